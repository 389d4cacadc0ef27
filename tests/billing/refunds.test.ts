import { afterAll, beforeAll, expect, it } from "vitest";

import { fulfilCheckoutSession } from "~/server/billing";
import { getBalance, InsufficientCreditsError, spend } from "~/server/credits";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { charge, deliver, dispute, soldSession, stripeEvent } from "./stripe-fixtures";

describeEachDb("refunds and disputes claw credits back", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  /** A user with one paid starter purchase (50,000 credits for 500 cents). */
  async function paidPurchase() {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    await fulfilCheckoutSession(t.db, session);
    return { userId: u.id, sessionId: session.id, pi: session.payment_intent as string };
  }
  const balance = async (userId: string) => (await getBalance(t.db, userId)).balance;
  const purchase = (id: string) => t.db.purchase.findUniqueOrThrow({ where: { id } });

  it("a full refund claws back every credit; purchase refunded", async () => {
    const p = await paidPurchase();
    const res = await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 500)));
    expect(res.body.outcome).toBe("clawed_back");
    expect(await balance(p.userId)).toBe(0);
    expect(await purchase(p.sessionId)).toMatchObject({
      status: "refunded",
      amountRefunded: 500,
      creditsClawedBack: 50_000,
    });
  });

  it("two partial refunds, duplicated and out of order, claw back proportionally and once each", async () => {
    const p = await paidPurchase();
    const chargeId = "ch_partial_" + p.userId;
    const first = stripeEvent("charge.refunded", charge(p.pi, 500, 100, chargeId)); // 20 %
    const second = stripeEvent("charge.refunded", charge(p.pi, 500, 350, chargeId)); // 70 % cumulative
    // The later state arrives first, then the earlier one, then duplicates (new event ids, same state) and redeliveries.
    // Each event's own copy is stale or not, the charge as Stripe has it now (70 %) is what counts.
    await deliver(t.db, second);
    expect(await balance(p.userId)).toBe(15_000);
    expect((await deliver(t.db, first)).body.outcome).toBe("nothing_to_claw_back");
    await Promise.all([
      deliver(t.db, first),
      deliver(t.db, second),
      deliver(t.db, stripeEvent("charge.refunded", second.data.object)),
      deliver(t.db, stripeEvent("charge.refunded", first.data.object)),
    ]);
    expect(await balance(p.userId)).toBe(15_000);
    expect(await purchase(p.sessionId)).toMatchObject({
      status: "partially_refunded",
      amountRefunded: 350,
      creditsClawedBack: 35_000,
    });

    // The rest refunded later: only the remaining 30 % comes off.
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 500, chargeId)));
    expect(await balance(p.userId)).toBe(0);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "refunded", creditsClawedBack: 50_000 });
    expect(await t.db.creditLedger.count({ where: { userId: p.userId, reason: "refund" } })).toBe(2);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("in order partial refunds each take their share", async () => {
    const p = await paidPurchase();
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 100, "ch_inorder_" + p.userId)));
    expect(await balance(p.userId)).toBe(40_000);
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 333, "ch_inorder_" + p.userId)));
    expect(await balance(p.userId)).toBe(50_000 - Math.floor((50_000 * 333) / 500));
  });

  it("a dispute claws back what is left; the balance may go negative and then spending is refused", async () => {
    const p = await paidPurchase();
    await spend(t.db, { userId: p.userId, amount: 30_000, refType: "chat_message", refId: `s-${p.userId}` });
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 100)));
    expect(await balance(p.userId)).toBe(10_000);
    const d = dispute(p.pi);
    const res = await deliver(t.db, stripeEvent("charge.dispute.created", d));
    expect(res.body.outcome).toBe("clawed_back");
    expect(await balance(p.userId)).toBe(-30_000);
    await deliver(t.db, stripeEvent("charge.dispute.created", d)); // duplicate
    expect(await balance(p.userId)).toBe(-30_000);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "disputed", creditsClawedBack: 50_000 });
    await expect(
      spend(t.db, { userId: p.userId, amount: 1, refType: "chat_message", refId: `s2-${p.userId}` }),
    ).rejects.toBeInstanceOf(InsufficientCreditsError);
    // A refund after the dispute takes nothing more.
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 500)));
    expect(await balance(p.userId)).toBe(-30_000);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a refund for a charge the app does not know → 200, nothing changed", async () => {
    const before = await t.db.creditLedger.count();
    const res = await deliver(t.db, stripeEvent("charge.refunded", charge("pi_unknown_to_tally", 500, 500)));
    expect(res).toEqual({ status: 200, body: { received: true, outcome: "no_purchase" } });
    expect(await t.db.creditLedger.count()).toBe(before);
  });

  it("impossible refund amounts are ignored", async () => {
    const p = await paidPurchase();
    expect((await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 900)))).body.outcome).toBe(
      "invalid_amounts",
    );
    expect(await balance(p.userId)).toBe(50_000);
  });
});
