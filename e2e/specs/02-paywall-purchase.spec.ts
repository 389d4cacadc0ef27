import { expect, test } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { Paywall } from "../pages/paywall.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack } from "../support/billing";
import { expectStreamedReply, recordReplyText } from "../support/chat";
import { message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { E2E, lowBonusUrl } from "../stack/config.mjs";

// The second app instance gives new accounts only 50 credits: less than one reply's reservation.
test.use({ baseURL: lowBonusUrl });

test.describe("journey 2: the paywall, a purchase, and the unsent message", () => {
  test("too few credits → paywall (Escape closes) → Buy Credits → Starter with 4242 → +50,000 without reload → unsent message sent with one click", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "paywall", callbackUrl: "/chat" });
    const header = new Header(page);
    await header.expectBalance(E2E.lowBonusCredits);

    const unsentText = "Summarise the Stripe webhook flow for me, please.";
    const chat = new ChatPage(page);
    await chat.send(unsentText);
    const paywall = new Paywall(page);
    await paywall.expectOpen();
    const dialog = page.getByRole("dialog", { name: message("en", "paywall.title") });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute("aria-modal", "true");
    await expect(dialog).toContainText(message("en", "paywall.explain"));
    // Focus moves into the dialog.
    await expect.poll(() => dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    // Focus is trapped: tabbing never leaves the dialog.
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await screenshot(page, "paywall");

    await page.keyboard.press("Escape");
    await paywall.expectClosed();
    await expect(page.getByTestId("chat-unsent")).toBeVisible();
    expect(await chat.inputValue()).toBe(unsentText);
    await header.expectBalance(E2E.lowBonusCredits);

    await page.getByTestId("chat-send").click();
    await paywall.expectOpen();
    await expect(dialog.getByRole("button", { name: message("en", "paywall.buy") })).toBeFocused();
    await paywall.buy();
    await expect(page).toHaveURL((url) => url.pathname === "/billing");

    await buyPack(page, "starter");
    // From here on the page must update itself: mark the document and check the mark survives.
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await new BillingPage(page).expectSuccess();
    await expect(page.getByTestId("billing-success")).toContainText(message("en", "billing.success"));
    await header.expectBalance(E2E.lowBonusCredits + 50_000);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(page, "billing-success");

    await page.getByTestId("nav-chat").click();
    // /chat opens the newest conversation at its own address, so either URL may be current by now.
    await expect(page).toHaveURL((url) => /^\/chat(\/[^/]+)?$/.test(url.pathname));
    await expect(page.getByTestId("chat-unsent")).toBeVisible();
    await recordReplyText(page);
    await chat.resend();

    await expect(chat.messages("user").filter({ hasText: unsentText })).toHaveCount(1);
    const reply = await expectStreamedReply(page);
    expect(reply).toContain(unsentText.slice(0, 40));
    await expect(page.getByTestId("chat-unsent")).toHaveCount(0);
    await expect.poll(() => header.balanceValue()).toBeLessThan(E2E.lowBonusCredits + 50_000);
  });
});
