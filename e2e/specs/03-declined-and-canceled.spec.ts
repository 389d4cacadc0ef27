import { expect, test } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { Header } from "../pages/header.page";
import { TEST_CARDS } from "../pages/stripe-checkout.page";
import { signUpNewUser } from "../support/accounts";
import { ledgerRows, purchaseStatuses, startCheckout } from "../support/billing";
import { message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { stripeApi } from "../support/stripe-api";

test.describe("journey 3: a declined card and a canceled checkout add no credits", () => {
  test("declined card 4000 0000 0000 0002 (then 9995) shows Stripe's decline message; cancel returns with the canceled banner", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "declined", callbackUrl: "/billing" });
    const header = new Header(page);
    await header.expectBalance(10_000);

    const checkout = await startCheckout(page, "starter");
    await checkout.fillCard({ number: TEST_CARDS.declined });
    await checkout.pay();
    await checkout.expectCardError("Your card was declined.");
    await screenshot(page, "checkout-declined");
    // Still on the checkout page: a decline never sends the buyer back as if it had worked.
    expect(new URL(page.url()).pathname).not.toBe("/billing");
    await checkout.fillCard({ number: TEST_CARDS.insufficientFunds });
    await checkout.pay();
    await checkout.expectCardError("Your card has insufficient funds.");
    expect(new URL(page.url()).pathname).not.toBe("/billing");

    await checkout.cancel();
    await expect(page).toHaveURL((url) => url.pathname === "/billing" && url.searchParams.get("canceled") === "1");
    await new BillingPage(page).expectCanceled();
    await expect(page.getByTestId("billing-canceled")).toContainText(message("en", "billing.canceled"));
    await expect(page.getByTestId("billing-success")).toHaveCount(0);

    await header.expectBalance(10_000);
    expect(await ledgerRows(page)).toEqual([{ reason: "signup_bonus", amount: 10_000 }]);
    expect(await purchaseStatuses(page)).not.toContain("paid");
  });

  test("cancel on the checkout page without paying → canceled banner, the purchase shows Canceled, the session is expired at Stripe, no credits", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "canceled", callbackUrl: "/billing" });
    const checkout = await startCheckout(page, "pro");
    const sessionId = /cs_[A-Za-z0-9_]+/.exec(page.url())?.[0] ?? "";
    expect(sessionId).not.toBe("");
    await screenshot(page, "checkout");
    await checkout.cancel();

    const billing = new BillingPage(page);
    await billing.expectCanceled();
    // Not "Pending" forever: the app expired the session, so it can never be paid later.
    await billing.expectPurchaseStatus(0, "canceled");
    await expect(billing.purchaseRows().first()).toContainText(message("en", "billing.status.canceled"));
    expect((await stripeApi().checkout.sessions.retrieve(sessionId)).status).toBe("expired");
    await screenshot(page, "billing-canceled");
    await new Header(page).expectBalance(10_000);
    expect(await ledgerRows(page)).toEqual([{ reason: "signup_bonus", amount: 10_000 }]);
    expect(await purchaseStatuses(page)).not.toContain("paid");
  });
});
