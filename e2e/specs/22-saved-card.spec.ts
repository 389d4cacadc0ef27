import { expect, test, type Page } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { TEST_CARDS } from "../pages/stripe-checkout.page";
import { signUpNewUser } from "../support/accounts";
import { startCheckout } from "../support/billing";
import { LOCALES, message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { sessionIdFromUrl, stripeApi } from "../support/stripe-api";
import { appUrl } from "../stack/config.mjs";

/** A message key printed instead of its text (next-intl's fallback) looks like "billing.savedCard.title". */
const RAW_KEY = /\b(common|header|home|auth|chat|paywall|billing|notFound)\.[a-z][A-Za-z_.]+\b/;

async function expectNoRawKeys(page: Page) {
  expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
}

test.describe("journey 22: a card saved at Checkout shows on /billing and can be removed", () => {
  test("buy with 'save card' → Visa •••• 4242 with its expiry on /billing → remove (confirmed) → gone, also at Stripe", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "saved-card", callbackUrl: "/billing" });
    const billing = new BillingPage(page);
    await expect(page.getByTestId("saved-card-none")).toBeVisible();

    await page.getByRole("checkbox", { name: "Save my card for later payments" }).check();
    const checkout = await startCheckout(page, "starter");
    await checkout.fillCard({ number: TEST_CARDS.success, expiry: "08 / 31" });
    await checkout.pay();
    await page.waitForURL((url) => url.pathname === "/billing" && url.searchParams.get("success") === "1");
    const sessionId = sessionIdFromUrl(page.url());
    await billing.expectSuccess();

    const card = page.getByTestId("saved-card");
    await expect(card).toHaveCount(1);
    await expect(card.getByTestId("saved-card-label")).toHaveText("Visa •••• 4242");
    await expect(card.getByTestId("saved-card-expiry")).toHaveText("Expires 08/2031");
    await screenshot(page, "billing-saved-card");

    // Stripe holds the card on the buyer's customer (the session saved it for off-session use).
    const stripe = stripeApi();
    const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    const intent = session.payment_intent as { setup_future_usage: string | null; payment_method: string };
    expect(intent.setup_future_usage).toBe("off_session");
    expect((await stripe.paymentMethods.retrieve(intent.payment_method)).customer).toBe(session.customer);

    // Remove asks first; "Keep card" changes nothing.
    await card.getByRole("button", { name: "Remove Visa •••• 4242" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove this card?" });
    await expect(dialog).toContainText("Visa •••• 4242 will be removed from your account.");
    await dialog.getByRole("button", { name: "Keep card" }).click();
    await expect(dialog).toBeHidden();
    await expect(card).toHaveCount(1);

    await card.getByTestId("saved-card-remove").click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove card" }).click();
    await expect(page.getByTestId("saved-card-removed")).toHaveText("The card was removed.");
    await expect(page.getByTestId("saved-card")).toHaveCount(0);
    await expect(page.getByTestId("saved-card-none")).toBeVisible();
    expect((await stripe.paymentMethods.retrieve(intent.payment_method)).customer).toBeNull();

    // Still gone after a reload; the purchase itself is untouched.
    await page.reload();
    await expect(page.getByTestId("saved-card-none")).toBeVisible();
    await expect(page.getByTestId("saved-card")).toHaveCount(0);
    await billing.expectPurchaseStatus(0, "paid");
  });

  test("the saved-card labels in all 8 locales: translated, no raw message keys", async ({ page, context }) => {
    await signUpNewUser(page, { prefix: "saved-card-locales", callbackUrl: "/billing" });
    for (const locale of LOCALES) {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
      await page.goto("/billing");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("#saved-card-title")).toHaveText(message(locale, "billing.savedCard.title"));
      await expect(page.getByTestId("saved-card-none")).toHaveText(message(locale, "billing.savedCard.none"));
      await expect(page.getByRole("checkbox", { name: message(locale, "billing.savedCard.saveCard") })).toBeVisible();
      await expect(page.locator("#save-card-hint")).toHaveText(message(locale, "billing.savedCard.saveCardHint"));
      if (locale !== "en") {
        expect(await page.locator("#saved-card-title").innerText()).not.toBe(message("en", "billing.savedCard.title"));
      }
      await expectNoRawKeys(page);
    }
  });
});
