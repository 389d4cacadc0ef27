import { expect, test } from "@playwright/test";

import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { ledgerRows, purchaseStatuses, startCheckout } from "../support/billing";
import { NEEDS_EMULATOR, redeliverEvent, settleAsyncPayment } from "../support/emulator-control";
import { eventsForSession, sessionIdFromUrl, stripeApi } from "../support/stripe-api";
import { realStripe } from "../stack/config.mjs";

test.describe("journey 6: a delayed payment credits only when it settles", () => {
  test.skip(realStripe, NEEDS_EMULATOR);

  test("completed unpaid → no credits, purchase pending → async success → credited once", async ({ page }) => {
    await signUpNewUser(page, { prefix: "delayed", callbackUrl: "/billing" });
    const header = new Header(page);

    const checkout = await startCheckout(page, "starter");
    await checkout.payDelayed();
    await page.waitForURL((url) => url.pathname === "/billing" && url.searchParams.get("success") === "1");
    const sessionId = sessionIdFromUrl(page.url());

    // Checkout is complete but the money is not there yet: the page must not claim success.
    await expect(page.getByTestId("billing-pending")).toBeVisible();
    await expect(page.getByTestId("billing-success")).toHaveCount(0);
    const stripe = stripeApi();
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect({ status: session.status, payment_status: session.payment_status }).toEqual({
      status: "complete",
      payment_status: "unpaid",
    });
    await expect.poll(() => purchaseStatuses(page)).toEqual(["pending"]);
    await header.expectBalance(10_000);
    expect(await ledgerRows(page)).toEqual([{ reason: "signup_bonus", amount: 10_000 }]);

    await settleAsyncPayment(sessionId, true);
    const succeeded = (await eventsForSession(stripe, sessionId)).find(
      (e) => e.type === "checkout.session.async_payment_succeeded",
    );
    expect(succeeded, "async_payment_succeeded event").toBeDefined();
    // Stripe may deliver it again; it still counts once.
    expect(((await redeliverEvent(succeeded!.id, 2)) as { statuses: number[] }).statuses).toEqual([200, 200]);

    await page.reload();
    await header.expectBalance(60_000);
    await expect.poll(() => purchaseStatuses(page)).toEqual(["paid"]);
    const ledger = await ledgerRows(page);
    expect(ledger.filter((r) => r.reason === "purchase")).toEqual([{ reason: "purchase", amount: 50_000 }]);
    expect(ledger.reduce((sum, r) => sum + r.amount, 0)).toBe(60_000);
  });
});
