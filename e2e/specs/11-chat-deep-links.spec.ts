import { expect, test, type Page } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { Paywall } from "../pages/paywall.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack } from "../support/billing";
import { LOCALES, message } from "../support/messages";
import { seedLongConversation } from "../support/seed-conversation";
import { lowBonusUrl } from "../stack/config.mjs";

test.describe.configure({ mode: "parallel" });

type Marked = Window & { __noReload?: boolean };
const markDocument = (page: Page) => page.evaluate(() => ((window as Marked).__noReload = true));
const documentSurvived = (page: Page) => page.evaluate(() => (window as Marked).__noReload === true);

/** Console errors of the app's own pages (the Stripe emulator's checkout page has no favicon). */
function consoleErrors(page: Page, origin: string): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && new URL(page.url()).origin === origin) errors.push(`${m.text()} (${m.location().url})`);
  });
  return errors;
}

test.describe("journey 11: every conversation has a URL", () => {
  test("new conversations get their URL without a reload; Back/Forward, sidebar links, refresh and a bookmark open them with their data", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "deeplink", callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    await markDocument(page);

    await chat.sendAndWait("First conversation question");
    const first = await chat.conversationIdFromUrl();
    await chat.newConversation();
    await expect(page).not.toHaveURL(new RegExp(`/chat/${first}$`));
    const second = await chat.conversationIdFromUrl();
    await expect(page.getByTestId("chat-empty")).toBeVisible();
    await chat.sendAndWait("Second conversation question");
    expect(await documentSurvived(page)).toBe(true);

    // Real links in the sidebar.
    await expect(chat.conversationLink(first)).toHaveCount(1);
    await expect(chat.conversationLink(second)).toHaveAttribute("aria-current", "page");

    // Back: the conversation before "New conversation"; Forward: the new one again.
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/chat/${first}$`));
    await expect(chat.messages("user").filter({ hasText: "First conversation question" })).toHaveCount(1);
    await expect(chat.messages("user").filter({ hasText: "Second conversation question" })).toHaveCount(0);
    await page.goForward();
    await expect(page).toHaveURL(new RegExp(`/chat/${second}$`));
    await expect(chat.messages("user").filter({ hasText: "Second conversation question" })).toHaveCount(1);

    await chat.conversationLink(first).click();
    await expect(page).toHaveURL(new RegExp(`/chat/${first}$`));
    await expect(chat.messages("user").filter({ hasText: "First conversation question" })).toHaveCount(1);
    expect(await documentSurvived(page)).toBe(true);

    // Refresh: the same conversation, rendered by the server with its messages (no skeleton first), and the
    // browser's first render matches it (no hydration error: React reports those as uncaught errors).
    const uncaught: string[] = [];
    const errors = consoleErrors(page, new URL(page.url()).origin);
    page.on("pageerror", (error) => uncaught.push(error.message));
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    expect(await reloaded?.text()).toContain("First conversation question");
    await expect(chat.messages("user").filter({ hasText: "First conversation question" })).toHaveCount(1);
    await expect(chat.conversationLink(first)).toHaveAttribute("aria-current", "page");
    await expect(chat.messages("assistant")).toHaveCount(1);
    expect(uncaught).toEqual([]);
    expect(errors).toEqual([]);

    // A bookmark of the second one, opened in a new tab.
    const tab = await page.context().newPage();
    const opened = await tab.goto(`/chat/${second}`);
    expect(await opened?.text()).toContain("Second conversation question");
    await expect(new ChatPage(tab).messages("user").filter({ hasText: "Second conversation question" })).toHaveCount(1);

    // /chat alone opens the newest conversation, under its own URL.
    await tab.goto("/chat");
    await expect(tab).toHaveURL(new RegExp(`/chat/${second}$`));
    await tab.close();
  });

  test("someone else's conversation, an unknown id and a signed-out visitor see nothing of it", async ({
    page,
    browser,
  }) => {
    await signUpNewUser(page, { prefix: "deeplink-owner", callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    const secret = "My private question about the quarterly numbers";
    await chat.sendAndWait(secret);
    const id = await chat.conversationIdFromUrl();

    const other = await browser.newContext();
    const stranger = await other.newPage();
    await signUpNewUser(stranger, { prefix: "deeplink-stranger", callbackUrl: "/chat" });
    for (const path of [`/chat/${id}`, "/chat/no-such-conversation", "/chat/%3Cscript%3E"]) {
      const response = await stranger.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(stranger.getByRole("heading", { level: 1 })).toHaveText(message("en", "notFound.title"));
      expect(await response?.text()).not.toContain(secret);
      await expect(stranger.getByText(secret)).toHaveCount(0);
    }
    await other.close();

    const signedOut = await browser.newContext();
    const visitor = await signedOut.newPage();
    await visitor.goto(`/chat/${id}`);
    await expect(visitor).toHaveURL(/\/auth\?callbackUrl=/);
    await expect(visitor.getByText(secret)).toHaveCount(0);
    await signedOut.close();
  });

  test("a long conversation scrolls inside its list (the page and header stay put), the keyboard scrolls it, and phones get a heading", async ({
    page,
  }) => {
    const account = await signUpNewUser(page, { prefix: "deeplink-long", callbackUrl: "/chat" });
    const id = await seedLongConversation(account.email, { pairs: 30, title: "A long conversation" });
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`/chat/${id}`);
    const chat = new ChatPage(page);
    await expect(chat.messages()).toHaveCount(60);

    const list = chat.messageList();
    await expect(list).toHaveAccessibleName(message("en", "chat.messagesLabel"));
    expect(await list.evaluate((el) => el.scrollHeight > el.clientHeight * 3)).toBe(true);
    // The page itself does not scroll: no blank space below, the header never leaves.
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight))
      .toBeLessThanOrEqual(1);

    // The list is not a live region (a screen reader would read every streamed token); only a copy
    // button's own "Copied" feedback is live inside it.
    expect(
      await list.evaluate(
        (el) =>
          el.closest("[aria-live]") === null &&
          [...el.querySelectorAll("[aria-live]")].every((live) => live.closest('[data-testid="message-copy"]')),
      ),
    ).toBe(true);

    // Keyboard: Tab reaches the list, Home/End scroll it.
    await list.focus();
    await expect(list).toBeFocused();
    await page.keyboard.press("Home");
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(0);
    await page.keyboard.press("End");
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(1000);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("A long conversation");
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight))
      .toBeLessThanOrEqual(1);
  });
});

test.describe("journey 11: paywall → buy → back in the same conversation, the unsent text in the composer", () => {
  // The low-bonus instance: 50 credits are less than one reply's reservation.
  test.use({ baseURL: lowBonusUrl });

  for (const locale of LOCALES) {
    test(`${locale}: no console error on the paywall; Billing leads back; the text waits in the composer and sends`, async ({
      page,
      context,
    }) => {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: lowBonusUrl }]);
      const errors = consoleErrors(page, lowBonusUrl);
      await signUpNewUser(page, { prefix: `return-${locale.toLowerCase()}`, callbackUrl: "/chat" });
      const chat = new ChatPage(page);
      const unsentText = `${locale}: please explain how credits are charged.`;
      await chat.send(unsentText);
      const paywall = new Paywall(page);
      await paywall.expectOpen();
      const id = await chat.conversationIdFromUrl();
      // An expected 402 is no error: nothing in the console (tRPC's logger printed one per paywall).
      expect(errors, errors.join("\n")).toEqual([]);

      await paywall.buy();
      const back = page.getByTestId("billing-back-to-chat");
      await expect(back).toHaveText(new RegExp(message(locale, "billing.backToChat")));
      await expect(back).toHaveAttribute("href", `/chat/${id}`);
      await buyPack(page, "starter");
      await new BillingPage(page).expectSuccess();

      await page.getByTestId("billing-back-to-chat").click();
      await expect(page).toHaveURL(new RegExp(`/chat/${id}$`));
      await expect(page.getByTestId("chat-input")).toHaveValue(unsentText);
      await expect(page.getByTestId("chat-unsent")).toContainText(message(locale, "chat.unsentNotice"));
      await expect(page.getByTestId("chat-resend")).toHaveText(message(locale, "chat.resend"));
      await chat.resend();

      await expect(chat.messages("user").filter({ hasText: unsentText })).toHaveCount(1);
      await expect(chat.messages("assistant").last()).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
      await expect(page.getByTestId("chat-unsent")).toHaveCount(0);
      await expect(page.getByTestId("chat-input")).toHaveValue("");
      expect(errors, errors.join("\n")).toEqual([]);
    });
  }
});
