import { expect, test } from "@playwright/test";

import { AuthPage, PASSWORD, uniqueEmail } from "../pages/auth.page";
import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { ledgerRows } from "../support/billing";
import { expectStreamedReply, recordReplyText } from "../support/chat";
import { verifyThroughInbox } from "../support/inbox";
import { screenshot } from "../support/screenshots";

test.describe("journey 1: sign up, chat, and the balance follows the ledger", () => {
  test("sign-up → confirm the email → 10,000 credits → a streamed reply → the header falls by exactly the new chat_usage row", async ({
    page,
  }) => {
    const auth = new AuthPage(page);
    await auth.gotoSignUp("/chat");
    const email = uniqueEmail("journey1");
    await page.getByTestId("auth-email").fill(email);
    await page.getByTestId("auth-password").fill(PASSWORD);
    await screenshot(page, "signup");
    await page.getByTestId("auth-submit").click();

    await expect(page).toHaveURL((url) => url.pathname === "/chat");
    const header = new Header(page);
    // The bonus waits for the email to be confirmed; the chat page says so.
    await expect(page.getByTestId("verify-email-notice")).toBeVisible();
    await header.expectBalance(0);
    await verifyThroughInbox(page, email);
    await page.goto("/chat");
    await expect(page.getByTestId("verify-email-notice")).toHaveCount(0);
    await header.expectBalance(10_000);
    await expect(header.balance()).toContainText("10,000");

    await recordReplyText(page);
    const question = "How do credits work in Tally?";
    const chat = new ChatPage(page);
    await chat.send(question);
    await expect(chat.messages("user").filter({ hasText: question })).toBeVisible();
    const reply = await expectStreamedReply(page);
    expect(reply).toContain(question);

    // Refreshed after the reply without a reload; then it must match the ledger exactly.
    await expect.poll(() => header.balanceValue(), { timeout: 20_000 }).toBeLessThan(10_000);
    const balanceAfterChat = await header.balanceValue();
    await screenshot(page, "chat");

    await page.getByTestId("nav-billing").click();
    await expect(page).toHaveURL(/\/billing$/);
    const [newest, ...older] = await ledgerRows(page);
    expect(newest?.reason).toBe("chat_usage");
    expect(newest!.amount).toBeLessThan(0);
    expect(older).toEqual([{ reason: "signup_bonus", amount: 10_000 }]);
    expect(10_000 + newest!.amount).toBe(balanceAfterChat);
    await header.expectBalance(balanceAfterChat);
    // The spent-per-day chart counts the same credits.
    await expect(new BillingPage(page).chart()).toHaveAttribute("data-total", String(-newest!.amount));

    // The reply itself names the same charge.
    const charged = -newest!.amount;
    await page.getByTestId("nav-chat").click();
    await expect(chat.messages("assistant").last()).toContainText(
      `${charged.toLocaleString("en-US")} ${charged === 1 ? "credit" : "credits"}`,
    );

    await page.getByTestId("nav-billing").click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(new BillingPage(page).ledgerRows().first()).toBeVisible();
    await screenshot(page, "billing-light");
    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await screenshot(page, "billing-dark");
  });
});
