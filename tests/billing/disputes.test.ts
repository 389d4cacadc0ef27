import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { DISPUTE_REF_TYPE, DISPUTE_WON_REF_TYPE, fulfilCheckoutSession } from "~/server/billing";
import { getBalance, spend } from "~/server/credits";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";
import { charge, deliver, dispute, soldSession, stripeBook, stripeEvent } from "./stripe-fixtures";

const LIFECYCLE = [
  "charge.dispute.created",
  "charge.dispute.funds_withdrawn",
  "charge.dispute.closed",
  "charge.dispute.funds_reinstated",
] as const;

describeEachDb("dispute lifecycle: clawed back once, reinstated once when won", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  async function paidPurchase() {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    await fulfilCheckoutSession(t.db, session);
    return { userId: u.id, sessionId: session.id, pi: session.payment_intent as string };
  }
  const balance = async (userId: string) => (await getBalance(t.db, userId)).balance;
  const purchase = (id: string) => t.db.purchase.findUniqueOrThrow({ where: { id } });
  const ledger = (userId: string) =>
    t.db.creditLedger.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  /** Moves the dispute on at "Stripe" and delivers every lifecycle event for it, each twice and concurrently. */
  const storm = async (d: Stripe.Dispute, types: readonly string[] = LIFECYCLE) =>
    Promise.all(types.flatMap((type) => [deliver(t.db, stripeEvent(type, d)), deliver(t.db, stripeEvent(type, d))]));

  it("won: created and funds_withdrawn claw back once; closed(won) and funds_reinstated reinstate exactly that once", async () => {
    const p = await paidPurchase();
    await spend(t.db, { userId: p.userId, amount: 20_000, refType: "chat_message", refId: `s-${p.userId}` });
    const d = dispute(p.pi);
    expect((await deliver(t.db, stripeEvent("charge.dispute.created", d))).body.outcome).toBe("clawed_back");
    expect((await deliver(t.db, stripeEvent("charge.dispute.funds_withdrawn", d))).body.outcome).toBe(
      "nothing_to_claw_back",
    );
    expect(await balance(p.userId)).toBe(-20_000);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "disputed", creditsClawedBack: 50_000 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);

    const won = dispute(p.pi, d.id, "won");
    expect((await deliver(t.db, stripeEvent("charge.dispute.closed", won))).body.outcome).toBe("reinstated");
    expect((await deliver(t.db, stripeEvent("charge.dispute.funds_reinstated", won))).body.outcome).toBe("dispute_won");
    await storm(won);
    expect(await balance(p.userId)).toBe(30_000);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "dispute_won", creditsClawedBack: 0 });
    expect((await ledger(p.userId)).map((r) => [r.reason, r.amount, r.refType])).toEqual([
      ["purchase", 50_000, "stripe_checkout_session"],
      ["chat_usage", -20_000, "chat_message"],
      ["dispute", -50_000, DISPUTE_REF_TYPE],
      ["dispute_won", 50_000, DISPUTE_WON_REF_TYPE],
    ]);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("won: every lifecycle event duplicated and racing at once → one clawback, one reinstatement, balance = sum(ledger)", async () => {
    const p = await paidPurchase();
    const d = dispute(p.pi);
    await storm(d, LIFECYCLE.slice(0, 2));
    expect(await balance(p.userId)).toBe(0);
    await storm(dispute(p.pi, d.id, "won"));
    expect(await balance(p.userId)).toBe(50_000);
    expect(await t.db.creditLedger.count({ where: { refId: d.id } })).toBe(2);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("lost: clawed back once, nothing more; the purchase shows the lost dispute and a later won claim cannot reinstate", async () => {
    const p = await paidPurchase();
    const d = dispute(p.pi);
    await deliver(t.db, stripeEvent("charge.dispute.created", d));
    const lost = dispute(p.pi, d.id, "lost");
    expect((await deliver(t.db, stripeEvent("charge.dispute.closed", lost))).body.outcome).toBe("dispute_lost");
    await storm(lost);
    expect(await balance(p.userId)).toBe(0);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "dispute_lost", creditsClawedBack: 50_000 });
    // Even if Stripe's record later said won (it never does), a lost dispute is final.
    dispute(p.pi, d.id, "won");
    expect((await deliver(t.db, stripeEvent("charge.dispute.funds_reinstated", lost))).body.outcome).toBe("unchanged");
    expect(await balance(p.userId)).toBe(0);
    expect(await t.db.creditLedger.count({ where: { userId: p.userId, reason: "dispute_won" } })).toBe(0);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("closed before its created event is seen: Stripe says won, so nothing is clawed back or reinstated", async () => {
    const p = await paidPurchase();
    const d = dispute(p.pi, undefined, "won");
    expect((await deliver(t.db, stripeEvent("charge.dispute.closed", d))).body.outcome).toBe("dispute_won");
    expect(
      (await deliver(t.db, stripeEvent("charge.dispute.created", { ...d, status: "needs_response" }))).body.outcome,
    ).toBe("dispute_won");
    expect(await balance(p.userId)).toBe(50_000);
    expect(await t.db.creditLedger.count({ where: { userId: p.userId } })).toBe(1);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "dispute_won", creditsClawedBack: 0 });
  });

  it("a won dispute on a partly refunded purchase gives back only what the dispute took", async () => {
    const p = await paidPurchase();
    await deliver(t.db, stripeEvent("charge.refunded", charge(p.pi, 500, 100))); // 10,000 back
    const d = dispute(p.pi);
    await deliver(t.db, stripeEvent("charge.dispute.created", d));
    expect(await balance(p.userId)).toBe(0);
    await deliver(t.db, stripeEvent("charge.dispute.closed", dispute(p.pi, d.id, "won")));
    expect(await balance(p.userId)).toBe(40_000);
    expect(await purchase(p.sessionId)).toMatchObject({
      status: "dispute_won",
      creditsClawedBack: 10_000,
      amountRefunded: 100,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("the event's own copy is never trusted: a 'won' copy of a dispute Stripe still has open reinstates nothing", async () => {
    const p = await paidPurchase();
    const d = dispute(p.pi);
    await deliver(t.db, stripeEvent("charge.dispute.created", d));
    const claim = { ...d, status: "won" };
    expect((await deliver(t.db, stripeEvent("charge.dispute.closed", claim))).body.outcome).toBe(
      "nothing_to_claw_back",
    );
    expect((await deliver(t.db, stripeEvent("charge.dispute.funds_reinstated", claim))).body.outcome).toBe(
      "nothing_to_claw_back",
    );
    expect(await balance(p.userId)).toBe(0);
    expect(await purchase(p.sessionId)).toMatchObject({ status: "disputed" });
    expect(stripeBook.disputes.get(d.id)?.status).toBe("needs_response");
  });
});

describeEachDb("dispute lifecycle through the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true });
  const balance = async (userId: string) =>
    (await suite.t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;

  async function paidCharge(userId: string): Promise<{ sessionId: string; chargeId: string }> {
    const { checkoutUrl } = await callerFor(suite.t.db, userId).billing.checkout({ packId: "pro" });
    const sessionId = /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)![0];
    expect((await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, {})).status).toBe(200);
    await vi.waitFor(async () => expect(await balance(userId)).toBe(200_000), { timeout: 10_000, interval: 50 });
    const session = await suite.rig.stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    return { sessionId, chargeId: (session.payment_intent as Stripe.PaymentIntent).latest_charge as string };
  }

  it.each([
    ["won", 200_000, "dispute_won"],
    ["lost", 0, "dispute_lost"],
  ] as const)(
    "opened then closed as %s on the emulator: the signed events leave the balance at %i, once",
    async (status, expected, purchaseStatus) => {
      const u = await createUser(suite.t.db);
      const { sessionId, chargeId } = await paidCharge(u.id);
      const opened = await suite.rig.control<{ id: string }>(`/_emulator/charges/${chargeId}/dispute`, {});
      expect(opened.status).toBe(200);
      await vi.waitFor(async () => expect(await balance(u.id)).toBe(0), { timeout: 10_000, interval: 50 });
      expect((await suite.rig.control(`/_emulator/disputes/${opened.body.id}/close`, { status })).status).toBe(200);
      await vi.waitFor(
        async () =>
          expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
            status: purchaseStatus,
          }),
        { timeout: 10_000, interval: 50 },
      );
      // Every event of the dispute delivered again, concurrently: nothing moves.
      const events = (await suite.rig.stripe.events.list({ type: "charge.dispute.*", limit: 100 })).data.filter(
        (e) => (e.data.object as { id: string }).id === opened.body.id,
      );
      await suite.rig.control("/_emulator/events/deliver", {
        ids: events.map((e) => e.id),
        order: "shuffle",
        concurrent: true,
      });
      expect(await balance(u.id)).toBe(expected);
      const purchases = await callerFor(suite.t.db, u.id).billing.purchases({ limit: 10 });
      expect(purchases.items.find((p) => p.id === sessionId)?.status).toBe(purchaseStatus);
      expect(await suite.t.db.creditLedger.count({ where: { refId: opened.body.id } })).toBe(status === "won" ? 2 : 1);
      expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
    },
  );
});
