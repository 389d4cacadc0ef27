import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";

import { reconcileCheckoutSessions } from "~/server/billing";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { charge, checkoutSession, recordCheckout } from "./stripe-fixtures";

/** The three read calls the reconciler makes, answered from memory (the emulator suite runs the real SDK). */
function fakeStripe(
  sessions: Stripe.Checkout.Session[],
  charges: Map<string, Stripe.Charge>,
): { stripe: Stripe; listCalls: unknown[] } {
  const listCalls: unknown[] = [];
  const stripe = {
    checkout: {
      sessions: {
        list: (params: unknown) => {
          listCalls.push(params);
          return {
            async *[Symbol.asyncIterator]() {
              for (const s of sessions) yield structuredClone(s);
            },
          };
        },
      },
    },
    paymentIntents: { retrieve: async (id: string) => ({ id, latest_charge: charges.get(id)?.id ?? null }) },
    charges: { retrieve: async (id: string) => [...charges.values()].find((c) => c.id === id)! },
  } as unknown as Stripe;
  return { stripe, listCalls };
}

describeEachDb("stripe:reconcile", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("credits paid sessions whose webhook never arrived, once; skips the rest; applies missed refunds once", async () => {
    const u = await createUser(t.db);
    const lost = checkoutSession(u.id, "pro");
    const refunded = checkoutSession(u.id, "starter");
    const open = checkoutSession(u.id, "starter", { payment_status: "unpaid", status: "open" });
    const forged = checkoutSession(u.id, "enterprise", { amount_total: 1 });
    const foreign = checkoutSession(u.id, "pro"); // paid, but not opened by this app's billing.checkout
    for (const s of [lost, refunded, open, forged]) await recordCheckout(t.db, s);
    const charges = new Map([[refunded.payment_intent as string, charge(refunded.payment_intent as string, 500, 250)]]);
    const { stripe, listCalls } = fakeStripe([lost, refunded, open, forged, foreign], charges);
    const now = new Date("2026-11-30T12:00:00Z");

    const first = await reconcileCheckoutSessions({ db: t.db, stripe }, { days: 3, now });
    expect(listCalls[0]).toMatchObject({
      created: { gte: Math.floor(now.getTime() / 1000) - 3 * 86_400 },
      // Line items to check the sale; the charge and invoice in the same call, for the receipt links.
      expand: ["data.line_items", "data.payment_intent.latest_charge", "data.invoice"],
    });
    expect(first).toMatchObject({ fulfilled: 2, alreadyCredited: 0, skipped: 3, refundsApplied: 1 });
    expect(first.lines).toContain(`skipped   ${foreign.id}  (refused: no_pending_purchase)`);
    expect(first.lines.at(-1)).toBe("2 fulfilled, 0 already credited, 3 skipped");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(200_000 + 25_000);

    const second = await reconcileCheckoutSessions({ db: t.db, stripe }, { days: 3, now });
    expect(second).toMatchObject({ fulfilled: 0, alreadyCredited: 2, skipped: 3, refundsApplied: 0 });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(225_000);
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: refunded.id } })).toMatchObject({
      status: "partially_refunded",
      amountRefunded: 250,
    });
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: forged.id } })).toMatchObject({
      status: "pending",
      creditedAt: null,
    });
    expect(await t.db.purchase.count({ where: { id: foreign.id } })).toBe(0);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
