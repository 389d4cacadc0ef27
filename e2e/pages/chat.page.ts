import { expect, type Page } from "@playwright/test";

export class ChatPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/chat");
    await expect(this.page.getByTestId("chat-input")).toBeVisible();
  }

  messages(role?: "user" | "assistant") {
    return this.page.locator(
      role ? `[data-testid="chat-message"][data-role="${role}"]` : '[data-testid="chat-message"]',
    );
  }

  async newConversation(): Promise<void> {
    await this.page.getByTestId("new-conversation").click();
  }

  async type(text: string): Promise<void> {
    await this.page.getByTestId("chat-input").fill(text);
  }

  /** Types and sends; does not wait for the reply. */
  async send(text: string): Promise<void> {
    await this.type(text);
    await this.page.getByTestId("chat-send").click();
  }

  /** Sends and waits until the newest assistant message has finished (any final status). */
  async sendAndWait(text: string): Promise<void> {
    const before = await this.messages("assistant").count();
    await this.send(text);
    await expect(this.messages("assistant")).toHaveCount(before + 1, { timeout: 30_000 });
    await expect(this.messages("assistant").last()).not.toHaveAttribute("data-status", /sending|streaming/, {
      timeout: 60_000,
    });
  }

  async stop(): Promise<void> {
    await this.page.getByTestId("chat-stop").click();
  }

  async resend(): Promise<void> {
    await this.page.getByTestId("chat-resend").click();
  }

  async retry(): Promise<void> {
    await this.page.getByTestId("chat-retry").click();
  }

  async inputValue(): Promise<string> {
    return this.page.getByTestId("chat-input").inputValue();
  }

  conversations() {
    return this.page.getByTestId("conversation-item");
  }

  /** The sidebar's link to one conversation. */
  conversationLink(id: string) {
    return this.page.locator(`[data-testid="conversation-link"][href="/chat/${id}"]`);
  }

  /** The scrolling list of messages (a focusable region). */
  messageList() {
    return this.page.getByTestId("chat-messages");
  }

  /** The id of the conversation the URL names (/chat/<id>); waits until there is one. */
  async conversationIdFromUrl(): Promise<string> {
    await expect(this.page).toHaveURL(/\/chat\/[^/]+$/);
    return decodeURIComponent(new URL(this.page.url()).pathname.split("/")[2]!);
  }

  async renameConversation(index: number, title: string): Promise<void> {
    const item = this.conversations().nth(index);
    await item.hover();
    await item.getByTestId("conversation-rename").click();
    await item.getByTestId("conversation-title-input").fill(title);
    await item.getByTestId("conversation-rename-save").click();
  }

  async deleteConversation(index: number): Promise<void> {
    const item = this.conversations().nth(index);
    await item.hover();
    await item.getByTestId("conversation-delete").click();
    await item.getByTestId("conversation-delete-confirm").click();
  }
}
