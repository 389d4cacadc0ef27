import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";

import { captureLogs } from "../security/log-capture";
import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";
import { charge, checkoutSession, deliver, soldSession, stripeBook, stripeEvent } from "./stripe-fixtures";

// A correctly signed event proves only that its sender holds the signing secret. These deliver
// events that are signed but not true, and check that Stripe's own record decides.
describeEachDb("signed but forged webhook events credit nothing", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const logged = async (event: Stripe.Event, opts: Parameters<typeof deliver>[2] = {}) => {
    const { result, logs } = await captureLogs(() => deliver(t.db, event, opts));
    return { ...result, logs: logs.events };
  };

  it("a completed event for a session Stripe does not know (404) → 200 refused:unknown_session, nothing credited, logged with ids", async () => {
    const u = await createUser(t.db);
    const forged = await soldSession(t.db, u.id, "enterprise");
    stripeBook.forget(forged.id);
    const event = stripeEvent("checkout.session.completed", forged);
    const before = await snapshot(t.db);
    const res = await logged(event);
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: "refused:unknown_session" } });
    expect(res.logs).toContainEqual(
      expect.objectContaining({
        msg: "stripe_event_refused",
        eventId: event.id,
        objectId: forged.id,
        reason: "unknown_session",
        level: "warn",
      }),
    );
    expect({ ...(await snapshot(t.db)), events: before.events }).toEqual(before);
    expect(await balance(u.id)).toBe(0);
  });

  it("an event claiming paid for the user's own still-open session → not credited (Stripe says unpaid); paying later credits once", async () => {
    const u = await createUser(t.db);
    const open = await soldSession(t.db, u.id, "pro", {
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
    });
    const claim = stripeEvent("checkout.session.completed", { ...open, status: "complete", payment_status: "paid" });
    expect((await deliver(t.db, claim)).body.outcome).toBe("not_paid");
    expect(await balance(u.id)).toBe(0);
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: open.id } })).status).toBe("pending");

    const paid = stripeBook.record({
      ...open,
      status: "complete" as const,
      payment_status: "paid" as const,
      payment_intent: "pi_paid_later",
    });
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", paid))).body.outcome).toBe("credited");
    expect(await balance(u.id)).toBe(200_000);
  });

  it("an event whose object inflates what Stripe sold is credited as Stripe sold it, not as claimed", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    const inflated = {
      ...session,
      metadata: { ...session.metadata, packId: "enterprise", credits: "1000000" },
      amount_total: 5000,
    };
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", inflated))).body.outcome).toBe("credited");
    expect(await balance(u.id)).toBe(50_000);
  });

  it.each([
    ["a live event to a test-mode app", true, false],
    ["a test event to a live-mode app", false, true],
  ] as const)("%s → refused:livemode_mismatch, nothing credited, logged", async (_label, eventLive, appLive) => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "pro");
    const event = { ...stripeEvent("checkout.session.completed", session), livemode: eventLive } as Stripe.Event;
    const res = await logged(event, { livemode: appLive });
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: "refused:livemode_mismatch" } });
    expect(res.logs).toContainEqual(
      expect.objectContaining({ msg: "stripe_event_refused", eventId: event.id, reason: "livemode_mismatch" }),
    );
    expect(await balance(u.id)).toBe(0);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } })).toBe(0);
  });

  it("Stripe unreachable while verifying → 500 with nothing written (Stripe retries); the retry credits once", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    const event = stripeEvent("checkout.session.completed", session);
    const down = {
      checkout: {
        sessions: {
          retrieve: () => Promise.reject(new Stripe.errors.StripeConnectionError({ message: "connect ECONNREFUSED" })),
        },
      },
    } as unknown as Stripe;
    const before = await snapshot(t.db);
    expect(await deliver(t.db, event, { stripe: down })).toEqual({ status: 500, body: { error: "processing_failed" } });
    expect(await snapshot(t.db)).toEqual(before);
    expect((await deliver(t.db, event)).body.outcome).toBe("credited");
    expect(await balance(u.id)).toBe(50_000);
  });

  it("a dispute won event for a dispute Stripe does not know, or one still open at Stripe → no credits", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    await deliver(t.db, stripeEvent("checkout.session.completed", session));
    const fake = {
      id: "dp_forged",
      object: "dispute",
      status: "won",
      payment_intent: session.payment_intent,
      livemode: false,
    };
    expect((await deliver(t.db, stripeEvent("charge.dispute.closed", fake))).body.outcome).toBe(
      "refused:unknown_dispute",
    );
    expect(await balance(u.id)).toBe(50_000);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a refund event Stripe cannot confirm takes nothing: an unknown charge, or a full refund claimed for an unrefunded one", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    await deliver(t.db, stripeEvent("checkout.session.completed", session));
    const real = charge(session.payment_intent as string, 500, 0);
    const unknown = { ...real, id: "ch_forged", amount_refunded: 500, refunded: true };
    expect((await deliver(t.db, stripeEvent("charge.refunded", unknown))).body.outcome).toBe("refused:unknown_charge");
    const claim = { ...real, amount_refunded: 500, refunded: true };
    expect((await deliver(t.db, stripeEvent("charge.refunded", claim))).body.outcome).toBe("nothing_to_claw_back");
    expect(await balance(u.id)).toBe(50_000);
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: "paid",
      amountRefunded: 0,
      creditsClawedBack: 0,
    });
  });

  it("a signed event with an unusable object id → 200 refused:invalid_object, nothing written", async () => {
    const before = await snapshot(t.db);
    const event = stripeEvent("checkout.session.completed", { object: "checkout.session", id: { nested: true } });
    expect((await deliver(t.db, event)).body.outcome).toBe("refused:invalid_object");
    expect({ ...(await snapshot(t.db)), events: before.events }).toEqual(before);
  });
});

describeEachDb("forged events against the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: false });
  const balance = async (userId: string) =>
    (await suite.t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const send = (event: Stripe.Event) => deliver(suite.t.db, event, { stripe: suite.rig.stripe });

  async function openCheckout(userId: string): Promise<Stripe.Checkout.Session> {
    const { checkoutUrl } = await callerFor(suite.t.db, userId).billing.checkout({ packId: "enterprise" });
    return suite.rig.stripe.checkout.sessions.retrieve(/cs_[A-Za-z0-9_]+/.exec(checkoutUrl)![0]);
  }

  it("the emulator's 404 for an unknown session and its 'unpaid' for an open one both leave the balance at 0", async () => {
    const u = await createUser(suite.t.db);
    const open = await openCheckout(u.id);
    const unknown = checkoutSession(u.id, "enterprise");
    expect((await send(stripeEvent("checkout.session.completed", unknown))).body.outcome).toBe(
      "refused:unknown_session",
    );
    const claim = { ...open, status: "complete", payment_status: "paid" };
    expect((await send(stripeEvent("checkout.session.completed", claim))).body.outcome).toBe("not_paid");
    expect((await send(stripeEvent("checkout.session.async_payment_succeeded", claim))).body.outcome).toBe("not_paid");
    expect(await balance(u.id)).toBe(0);

    // Paid for real, the same events now credit, once.
    expect((await suite.rig.control(`/_emulator/checkout/sessions/${open.id}/pay`, {})).status).toBe(200);
    expect((await send(stripeEvent("checkout.session.completed", claim))).body.outcome).toBe("credited");
    expect((await send(stripeEvent("checkout.session.completed", claim))).body.outcome).toBe("already_credited");
    expect(await balance(u.id)).toBe(1_000_000);
    expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
  });
});
