import { expect, it } from "vitest";

import { findPack } from "~/server/billing";

import { describeEachDb } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";
import { ledgerSum } from "../../helpers/users";
import {
  chargesSettled,
  paymentIntentsAtStripe,
  spendCredits,
  topUpGrants,
  topUpsOf,
  topUpUser,
  useAutoTopUpSuite,
} from "./rig";

const STARTER = findPack("starter")!;

describeEachDb("auto top-up: trigger and charge", (kind) => {
  const suite = useAutoTopUpSuite(kind, { webhooks: true });

  it("a spend below the threshold charges the saved card once and credits the pack; the purchase shows its trigger and receipt", async () => {
    const u = await topUpUser(suite, { balance: 6_000, threshold: 5_000 });
    await spendCredits(suite, u.id, 500); // 5,500 left: above the threshold, nothing happens
    await chargesSettled();
    expect(await topUpsOf(suite, u.id)).toEqual([]);

    const { entry } = await spendCredits(suite, u.id, 1_000); // 4,500 < 5,000
    await chargesSettled();
    const [topUp, ...more] = await topUpsOf(suite, u.id);
    expect(more).toEqual([]);
    expect(topUp).toMatchObject({
      id: `topup_${entry.id}`,
      status: "paid",
      credits: STARTER.credits,
      amountTotal: 500,
      triggerEntryId: entry.id,
      triggerSpendable: 4_500,
      idempotencyKey: `tally-auto-top-up:topup_${entry.id}`,
      paymentIntentId: expect.stringMatching(/^pi_/),
      receiptUrl: expect.stringContaining("/receipts/"),
    });
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.balance).toBe(4_500 + STARTER.credits);
    expect(await ledgerSum(suite.t.db, u.id)).toBe(4_500 + STARTER.credits);
    const view = await callerFor(suite.t.db, u.id).autoTopUp.get();
    expect(view).toMatchObject({ available: true, enabled: true, usedThisMonth: 1, inFlight: null, turnedOff: null });
    expect(view.card).toMatchObject({ id: u.paymentMethodId, last4: "4242" });
    const page = await callerFor(suite.t.db, u.id).billing.purchases({ limit: 10 });
    expect(page.items[0]).toMatchObject({ kind: "auto_top_up", triggerSpendable: 4_500, status: "paid" });
  });

  it("50 concurrent spends crossing the threshold: exactly one PaymentIntent at Stripe and one grant", async () => {
    const u = await topUpUser(suite, { balance: 10_000, threshold: 5_000, monthlyLimit: 31 });
    const before = await paymentIntentsAtStripe(suite.rig.stripe);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => spendCredits(suite, u.id, 150)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    await chargesSettled();
    const topUps = await topUpsOf(suite, u.id);
    expect(topUps).toHaveLength(1);
    expect(topUps[0]).toMatchObject({ status: "paid" });
    const after = await paymentIntentsAtStripe(suite.rig.stripe);
    expect([...after].filter((id) => !before.has(id))).toEqual([topUps[0]!.paymentIntentId]);
    expect(await topUpGrants(suite, u.id)).toHaveLength(1);
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.balance).toBe(10_000 - 50 * 150 + STARTER.credits);
    expect(await ledgerSum(suite.t.db, u.id)).toBe(user.balance);
  });
});
