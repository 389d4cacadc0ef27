import { expect, test } from "@playwright/test";

import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack } from "../support/billing";
import { expectStreamedReply, recordReplyText, sendMessage } from "../support/chat";
import { message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { userMessages } from "../support/streaming";
import { E2E, lowBonusUrl } from "../stack/config.mjs";

// The second app instance gives new accounts only 50 credits: less than one reply's reservation.
test.use({ baseURL: lowBonusUrl });

test.describe("journey 2: the paywall, a purchase, and the unsent message", () => {
  test("too few credits → paywall (Escape closes) → Buy Credits → Starter with 4242 → +50,000 without reload → unsent message sent with one click", async ({ page }) => {
    await signUpNewUser(page, { prefix: "paywall", callbackUrl: "/chat" });
    const header = new Header(page);
    await header.expectBalance(E2E.lowBonusCredits);

    const unsentText = "Summarise the Stripe webhook flow for me, please.";
    await sendMessage(page, unsentText);
    const paywall = page.getByRole("dialog", { name: message("en", "paywall.title") });
    await expect(paywall).toBeVisible();
    await expect(paywall).toHaveAttribute("aria-modal", "true");
    await expect(paywall).toContainText(message("en", "paywall.prompt"));
    // Focus moves into the dialog.
    await expect.poll(() => paywall.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await screenshot(page, "paywall");

    await page.keyboard.press("Escape");
    await expect(paywall).toBeHidden();
    await expect(page.getByTestId("chat-unsent")).toBeVisible();
    await header.expectBalance(E2E.lowBonusCredits);

    await page.getByTestId("chat-send").click();
    await expect(paywall).toBeVisible();
    await paywall.getByRole("button", { name: message("en", "paywall.buy") }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/billing");

    await buyPack(page, "starter");
    // From here on the page must update itself: mark the document and check the mark survives.
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await expect(page.getByTestId("billing-success")).toContainText(message("en", "billing.success"));
    await header.expectBalance(E2E.lowBonusCredits + 50_000);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(page, "billing-success");

    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL((url) => url.pathname === "/chat");
    const resend = page.getByTestId("chat-resend");
    await expect(page.getByTestId("chat-unsent")).toBeVisible();
    await recordReplyText(page);
    await resend.click();

    await expect(userMessages(page).filter({ hasText: unsentText })).toHaveCount(1);
    const reply = await expectStreamedReply(page);
    expect(reply).toContain(unsentText.slice(0, 40));
    await expect(page.getByTestId("chat-unsent")).toHaveCount(0);
    await expect.poll(() => header.balanceValue()).toBeLessThan(E2E.lowBonusCredits + 50_000);
  });
});
