import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRig, type Rig } from "./harness";

describe("stripe emulator idempotency and refunds (official SDK)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ receiver: null });
  });
  afterAll(() => rig.close());

  async function paidIntent(): Promise<string> {
    const session = await rig.newSession();
    const paid = await rig.control<{ payment_intent: string }>(`/_emulator/checkout/sessions/${session.id}/pay`, {
      card: "4242 4242 4242 4242",
    });
    expect(paid.status).toBe(200);
    return paid.body.payment_intent;
  }

  it("replays the same response for the same Idempotency-Key and params", async () => {
    const first = await rig.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "cust-1" });
    const second = await rig.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "cust-1" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();

    const a = await rig.stripe.checkout.sessions.create(
      { mode: "payment", line_items: [{ price: "price_pro", quantity: 1 }], success_url: "http://app.test/ok" },
      { idempotencyKey: "checkout-1" },
    );
    const b = await rig.stripe.checkout.sessions.create(
      { mode: "payment", line_items: [{ price: "price_pro", quantity: 1 }], success_url: "http://app.test/ok" },
      { idempotencyKey: "checkout-1" },
    );
    expect(b.id).toBe(a.id);
    const listed = await rig.stripe.checkout.sessions.list({ limit: 100 });
    expect(listed.data.filter((s) => s.id === a.id)).toHaveLength(1);
  });

  it("refuses the same Idempotency-Key with different params (StripeIdempotencyError) and writes nothing", async () => {
    await rig.stripe.customers.create({ email: "one@example.com" }, { idempotencyKey: "cust-2" });
    const error = await rig.stripe.customers
      .create({ email: "two@example.com" }, { idempotencyKey: "cust-2" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
    expect((error as Error).message).toMatch(/same parameters/);
  });

  it("replays an error answer too (a retried bad request stays the same answer)", async () => {
    const first = await rig.stripe.refunds
      .create({ payment_intent: "pi_missing" }, { idempotencyKey: "refund-bad" })
      .catch((e: unknown) => e);
    const again = await rig.stripe.refunds
      .create({ payment_intent: "pi_missing" }, { idempotencyKey: "refund-bad" })
      .catch((e: unknown) => e);
    expect(first).toMatchObject({ statusCode: 400, code: "resource_missing", param: "payment_intent" });
    expect(again).toMatchObject({ statusCode: 400, code: "resource_missing" });
    expect((again as Stripe.errors.StripeError).headers?.["idempotent-replayed"]).toBe("true");
  });

  it("refunds partially, then the rest, then refuses more; each refund emits charge.refunded and refund.created", async () => {
    const intentId = await paidIntent();
    const partial = await rig.stripe.refunds.create(
      { payment_intent: intentId, amount: 500 },
      { idempotencyKey: `refund-${intentId}-1` },
    );
    expect(partial).toMatchObject({
      object: "refund",
      amount: 500,
      payment_intent: intentId,
      status: "succeeded",
      currency: "usd",
    });
    expect(await rig.stripe.refunds.retrieve(partial.id)).toEqual(partial);

    const replay = await rig.stripe.refunds.create(
      { payment_intent: intentId, amount: 500 },
      { idempotencyKey: `refund-${intentId}-1` },
    );
    expect(replay.id).toBe(partial.id);

    let charge = await rig.stripe.charges.retrieve(partial.charge as string);
    expect(charge).toMatchObject({ amount: 1500, amount_refunded: 500, refunded: false });

    const over = await rig.stripe.refunds.create({ payment_intent: intentId, amount: 1001 }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ statusCode: 400, param: "amount" });
    expect((over as Error).message).toMatch(/greater than unrefunded amount/);

    const rest = await rig.stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(1000);
    charge = await rig.stripe.charges.retrieve(charge.id);
    expect(charge).toMatchObject({ amount_refunded: 1500, refunded: true });

    const again = await rig.stripe.refunds.create({ payment_intent: intentId }).catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });

    const refundedEvents = await rig.stripe.events.list({ type: "charge.refunded", limit: 100 });
    const mine = refundedEvents.data.filter((e) => (e.data.object as Stripe.Charge).id === charge.id);
    expect(mine.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([1500, 500]);
    expect(mine[1]?.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    const createdEvents = await rig.stripe.events.list({ type: "refund.created", limit: 100 });
    expect(createdEvents.data.map((e) => (e.data.object as Stripe.Refund).id)).toEqual(
      expect.arrayContaining([partial.id, rest.id]),
    );
  });

  it("refuses refunds of unpaid intents and unknown charges", async () => {
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { delayed: true });
    const pending = await rig.stripe.checkout.sessions.retrieve(session.id);
    const error = await rig.stripe.refunds
      .create({ payment_intent: pending.payment_intent as string })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError" });
    expect(await rig.stripe.refunds.create({ charge: "ch_missing" }).catch((e: unknown) => e)).toMatchObject({
      code: "resource_missing",
      param: "charge",
    });
    expect(await rig.stripe.refunds.create({}).catch((e: unknown) => e)).toMatchObject({ statusCode: 400 });
  });

  it("disputes a charge through the control endpoint: charge.dispute.created", async () => {
    const intentId = await paidIntent();
    const intent = await rig.stripe.paymentIntents.retrieve(intentId);
    const res = await rig.control<Record<string, unknown>>(
      `/_emulator/charges/${intent.latest_charge as string}/dispute`,
      {},
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: "dispute",
      charge: intent.latest_charge,
      payment_intent: intentId,
      amount: 1500,
      status: "needs_response",
    });
    const events = await rig.stripe.events.list({ type: "charge.dispute.created", limit: 1 });
    expect((events.data[0]?.data.object as Stripe.Dispute).id).toBe(res.body.id);
    expect((await rig.stripe.charges.retrieve(intent.latest_charge as string)).disputed).toBe(true);
  });

  async function openDispute(): Promise<Stripe.Dispute> {
    const intent = await rig.stripe.paymentIntents.retrieve(await paidIntent());
    const res = await rig.control<Stripe.Dispute>(`/_emulator/charges/${intent.latest_charge as string}/dispute`, {});
    expect(res.status).toBe(200);
    return res.body;
  }
  const eventTypesFor = async (disputeId: string) =>
    (await rig.stripe.events.list({ type: "charge.dispute.*", limit: 100 })).data
      .filter((e) => (e.data.object as Stripe.Dispute).id === disputeId)
      .map((e) => e.type)
      .reverse();

  it("opening a dispute withdraws the funds (created, then funds_withdrawn); disputes.retrieve returns it", async () => {
    const dispute = await openDispute();
    expect(await eventTypesFor(dispute.id)).toEqual(["charge.dispute.created", "charge.dispute.funds_withdrawn"]);
    expect(await rig.stripe.disputes.retrieve(dispute.id)).toMatchObject({
      id: dispute.id,
      object: "dispute",
      status: "needs_response",
    });
  });

  it("closing a dispute as won emits closed then funds_reinstated; lost emits only closed; a closed dispute cannot close again", async () => {
    const won = await openDispute();
    const closed = await rig.control<Stripe.Dispute>(`/_emulator/disputes/${won.id}/close`, { status: "won" });
    expect(closed).toMatchObject({ status: 200, body: { id: won.id, status: "won" } });
    expect(await eventTypesFor(won.id)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
      "charge.dispute.closed",
      "charge.dispute.funds_reinstated",
    ]);
    expect((await rig.stripe.disputes.retrieve(won.id)).status).toBe("won");

    const lost = await openDispute();
    expect((await rig.control(`/_emulator/disputes/${lost.id}/close`, { status: "lost" })).status).toBe(200);
    expect(await eventTypesFor(lost.id)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
      "charge.dispute.closed",
    ]);
    expect((await rig.stripe.disputes.retrieve(lost.id)).status).toBe("lost");

    expect((await rig.control(`/_emulator/disputes/${lost.id}/close`, { status: "won" })).status).toBe(400);
    expect((await rig.control(`/_emulator/disputes/${lost.id}/close`, { status: "maybe" })).status).toBe(400);
    expect((await rig.control(`/_emulator/disputes/dp_missing/close`, { status: "won" })).status).toBe(404);
  });

  it("unknown ids answer Stripe's 404 resource_missing (the SDK raises StripeInvalidRequestError)", async () => {
    for (const call of [
      () => rig.stripe.disputes.retrieve("dp_missing"),
      () => rig.stripe.checkout.sessions.retrieve("cs_test_missing", { expand: ["line_items"] }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 404, code: "resource_missing" });
    }
  });
});
