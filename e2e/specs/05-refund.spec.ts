import { expect, test } from "@playwright/test";

import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack, ledgerRows, purchaseStatuses } from "../support/billing";
import { stripeApi } from "../support/stripe-api";

test.describe("journey 5: a refund claws the credits back", () => {
  test("refund through Stripe → balance reduced, ledger shows the refund row, purchase shows refunded", async ({
    page,
  }) => {
    await signUpNewUser(page, { prefix: "refund", callbackUrl: "/billing" });
    const header = new Header(page);
    const sessionId = await buyPack(page, "starter");
    await header.expectBalance(60_000);
    await expect.poll(() => purchaseStatuses(page)).toEqual(["paid"]);

    // What an operator does in the Dashboard: refund the payment in full.
    const stripe = stripeApi();
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session.payment_status).toBe("paid");
    const refund = await stripe.refunds.create({ payment_intent: session.payment_intent as string });
    expect(refund.status).toBe("succeeded");
    expect(refund.amount).toBe(session.amount_total);

    // charge.refunded reaches the app by webhook; the page shows it on the next load.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await ledgerRows(page)).map((r) => r.reason);
        },
        { timeout: 30_000 },
      )
      .toContain("refund");
    await header.expectBalance(10_000);
    const ledger = await ledgerRows(page);
    expect(ledger).toEqual([
      { reason: "refund", amount: -50_000 },
      { reason: "purchase", amount: 50_000 },
      { reason: "signup_bonus", amount: 10_000 },
    ]);
    expect(await purchaseStatuses(page)).toEqual(["refunded"]);
    await expect(page.getByTestId("purchase-row").first()).toContainText("Refunded");
  });
});
