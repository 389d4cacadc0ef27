import type Stripe from "stripe";
import { expect, it } from "vitest";

import { handleStripeEvent } from "~/server/billing";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { describeEachDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";

// The purchase's own webhook is lost here (the emulator delivers nothing), so the refund or
// dispute event is the first the app hears of the payment.
describeEachDb("a refund or dispute that overtakes its purchase", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: false });

  async function paidSession(
    userId: string,
  ): Promise<{ sessionId: string; paymentIntentId: string; chargeId: string }> {
    const { checkoutUrl } = await callerFor(suite.t.db, userId).billing.checkout({ packId: "starter" });
    const sessionId = /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)![0];
    expect(
      (await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" })).status,
    ).toBe(200);
    const session = await suite.rig.stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
    const pi = session.payment_intent as Stripe.PaymentIntent;
    return {
      sessionId,
      paymentIntentId: pi.id,
      chargeId: typeof pi.latest_charge === "string" ? pi.latest_charge : pi.latest_charge!.id,
    };
  }

  async function latestEvent(type: string, objectId: string): Promise<Stripe.Event> {
    const { data } = await suite.rig.stripe.events.list({ type, limit: 100 });
    const event = data.find(
      (e) =>
        (e.data.object as { id: string }).id === objectId || (e.data.object as { charge?: string }).charge === objectId,
    );
    if (!event) throw new Error(`no ${type} event for ${objectId}`);
    return event;
  }

  const balance = async (userId: string) =>
    (await suite.t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const handle = (event: Stripe.Event) =>
    handleStripeEvent(suite.t.db, event, { stripe: () => suite.rig.stripe, livemode: false });

  it("a partial refund first: the purchase is fulfilled from Stripe, then clawed back; the late webhook adds nothing", async () => {
    const u = await createUser(suite.t.db);
    const { sessionId, paymentIntentId, chargeId } = await paidSession(u.id);
    await suite.rig.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 250 });
    expect(await balance(u.id)).toBe(0);

    expect((await handle(await latestEvent("charge.refunded", chargeId))).outcome).toBe("clawed_back");
    expect(await balance(u.id)).toBe(25_000);
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "partially_refunded",
      creditsClawedBack: 25_000,
    });

    expect((await handle(await latestEvent("checkout.session.completed", sessionId))).outcome).toBe("already_credited");
    expect(await balance(u.id)).toBe(25_000);
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "partially_refunded",
    });
    const rows = await suite.t.db.creditLedger.findMany({ where: { userId: u.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.reason, r.amount])).toEqual([
      ["purchase", 50_000],
      ["refund", -25_000],
    ]);
  });

  it("a dispute first: fulfilled, then the whole purchase taken back", async () => {
    const u = await createUser(suite.t.db);
    const { sessionId, chargeId } = await paidSession(u.id);
    await suite.rig.control(`/_emulator/charges/${chargeId}/dispute`, {});

    expect((await handle(await latestEvent("charge.dispute.created", chargeId))).outcome).toBe("clawed_back");
    expect(await balance(u.id)).toBe(0);
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "disputed",
      creditsClawedBack: 50_000,
    });
    expect((await handle(await latestEvent("checkout.session.completed", sessionId))).outcome).toBe("already_credited");
    expect(await balance(u.id)).toBe(0);
    expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
  });

  it("a refund of a charge Stripe does not know is refused and writes nothing but its event id", async () => {
    const event = {
      id: `evt_foreign_${Date.now()}`,
      object: "event",
      type: "charge.refunded",
      livemode: false,
      data: {
        object: {
          id: "ch_foreign",
          object: "charge",
          amount: 1000,
          amount_refunded: 1000,
          payment_intent: "pi_not_from_tally",
        },
      },
    } as unknown as Stripe.Event;
    const before = await snapshot(suite.t.db);
    expect((await handle(event)).outcome).toBe("refused:unknown_charge");
    const after = await snapshot(suite.t.db);
    expect({ ...after, events: before.events }).toEqual(before);
  });
});
