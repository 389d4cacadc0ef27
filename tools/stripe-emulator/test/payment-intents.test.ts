import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startRig, waitFor, type Rig } from "./harness";

/**
 * PaymentIntents through the API with cards saved via Checkout: off-session charges, Stripe's test cards
 * (succeed, authentication_required, decline, insufficient funds), the 3D Secure page, cancel, detached cards and
 * Idempotency-Key. Everything through the official SDK, as the app will call it.
 */
describe("stripe emulator: PaymentIntents on saved cards (official SDK)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    rig.receiver?.received.splice(0);
  });

  const VISA = "4242 4242 4242 4242";
  const AUTH_UNLESS_SET_UP = "4000 0025 0000 3155";
  const AUTH_ALWAYS = "4000 0027 6000 3184";
  const CHARGE_FAILS = "4000 0000 0000 0341";
  const INSUFFICIENT_FUNDS = "4000 0000 0000 9995";

  /** A card kept for later by a Checkout purchase (`setup_future_usage`), as the app's "save card" does. */
  async function savedByPurchase(card: string) {
    const customer = await rig.stripe.customers.create({ email: "saver@example.com" });
    const session = await rig.newSession({
      customer: customer.id,
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    const paid = await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card, name: "Ada Saver" });
    expect(paid.status).toBe(200);
    const [method] = (await rig.stripe.customers.listPaymentMethods(customer.id)).data;
    if (!method) throw new Error("no card saved");
    return { customer: customer.id, method: method.id };
  }

  /** A card saved without a payment (setup-mode Checkout): how a card that declines charges can be on file. */
  async function savedBySetup(card: string) {
    const customer = await rig.stripe.customers.create({ email: "setup@example.com" });
    const session = await rig.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      success_url: "http://app.test/ok",
    });
    const saved = await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card });
    expect(saved.status).toBe(200);
    const [method] = (await rig.stripe.customers.listPaymentMethods(customer.id)).data;
    if (!method) throw new Error("no card saved");
    return { customer: customer.id, method: method.id };
  }

  const offSession = (customer: string, method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) => ({
    amount: 1500,
    currency: "usd",
    customer,
    payment_method: method,
    off_session: true,
    confirm: true,
    metadata: { userId: "user_1", packId: "pro" },
    description: "Auto top-up: Pro pack",
    payment_method_types: ["card"],
    ...extra,
  });

  const eventsFor = (intentId: string) =>
    (rig.receiver?.received ?? [])
      .filter((r) => r.event.data.object.id === intentId || r.event.data.object.payment_intent === intentId)
      .map((r) => r.event.type);

  async function cardError(promise: Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    return error as Stripe.errors.StripeCardError;
  }

  it("saved-card listing shows brand, last4 and expiry (card.* as Stripe)", async () => {
    const customer = await rig.stripe.customers.create({ email: "list@example.com" });
    const session = await rig.newSession({
      customer: customer.id,
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    const page = await fetch(`${rig.emulator.url}/c/pay/${session.id}`, {
      method: "POST",
      body: new URLSearchParams({
        email: "list@example.com",
        cardNumber: VISA,
        cardExpiry: "09 / 33",
        cardCvc: "123",
        billingName: "Ada Lister",
      }),
      redirect: "manual",
    });
    expect(page.status).toBe(303);
    const listed = await rig.stripe.customers.listPaymentMethods(customer.id, { type: "card" });
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      type: "card",
      customer: customer.id,
      card: { brand: "visa", display_brand: "visa", last4: "4242", exp_month: 9, exp_year: 2033, funding: "credit" },
      billing_details: { name: "Ada Lister" },
    });
  });

  it("4242 off session: succeeded, a charge with its receipt, charge.succeeded + payment_intent.succeeded", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const intent = await rig.stripe.paymentIntents.create(offSession(customer, method), {
      idempotencyKey: `topup-ok-${method}`,
    });
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "succeeded",
      amount: 1500,
      amount_received: 1500,
      currency: "usd",
      customer,
      payment_method: method,
      description: "Auto top-up: Pro pack",
      metadata: { userId: "user_1", packId: "pro" },
      last_payment_error: null,
      next_action: null,
    });
    const charge = await rig.stripe.charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({ status: "succeeded", paid: true, amount: 1500, payment_method: method, customer });
    expect(charge.payment_method_details?.card).toMatchObject({ brand: "visa", last4: "4242" });
    const receipt = await fetch(String(charge.receipt_url));
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain("VISA •••• 4242");
    await waitFor(
      () => eventsFor(intent.id),
      (types) => types.includes("payment_intent.succeeded"),
    );
    expect(eventsFor(intent.id)).toEqual(["charge.succeeded", "payment_intent.succeeded"]);

    const expanded = await rig.stripe.paymentIntents.retrieve(intent.id, {
      expand: ["latest_charge", "payment_method"],
    });
    expect((expanded.latest_charge as Stripe.Charge).id).toBe(charge.id);
    expect((expanded.payment_method as Stripe.PaymentMethod).card?.last4).toBe("4242");
  });

  it("3184 off session: StripeCardError authentication_required, the intent left in requires_payment_method", async () => {
    const { customer, method } = await savedByPurchase(AUTH_ALWAYS);
    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    expect(error).toMatchObject({
      statusCode: 402,
      code: "authentication_required",
      decline_code: "authentication_required",
      message: "Your card was declined. This transaction requires authentication.",
    });
    const failed = error.payment_intent;
    if (!failed) throw new Error("the error carries the payment intent");
    expect(failed).toMatchObject({ status: "requires_payment_method", payment_method: null, next_action: null });
    expect(failed.last_payment_error).toMatchObject({
      type: "card_error",
      code: "authentication_required",
      decline_code: "authentication_required",
      payment_method: { id: method, card: { last4: "3184" } },
    });
    expect(error.payment_method?.id).toBe(method);
    expect(await rig.stripe.paymentIntents.retrieve(failed.id)).toMatchObject({
      status: "requires_payment_method",
      latest_charge: null,
      amount_received: 0,
    });
    await waitFor(
      () => eventsFor(failed.id),
      (types) => types.length > 0,
    );
    expect(eventsFor(failed.id)).toEqual(["payment_intent.payment_failed"]);
  });

  it("the on-session retry after SCA: next_action redirect_to_url → auth page → Complete → succeeded, back to return_url", async () => {
    const { customer, method } = await savedByPurchase(AUTH_ALWAYS);
    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    const intentId = String(error.payment_intent?.id);

    const action = await rig.stripe.paymentIntents.confirm(intentId, {
      payment_method: method,
      return_url: "http://app.test/billing?topup=1",
    });
    expect(action.status).toBe("requires_action");
    expect(action.next_action?.type).toBe("redirect_to_url");
    const redirect = action.next_action?.redirect_to_url;
    expect(redirect?.return_url).toBe("http://app.test/billing?topup=1");
    expect(redirect?.url).toMatch(new RegExp(`^${rig.emulator.url}/3ds/authenticate/${intentId}\\?client_secret=`));
    await waitFor(
      () => eventsFor(intentId),
      (types) => types.includes("payment_intent.requires_action"),
    );

    // Only the exact client secret opens the page.
    expect((await fetch(`${rig.emulator.url}/3ds/authenticate/${intentId}?client_secret=guess`)).status).toBe(404);
    const page = await fetch(String(redirect?.url));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("TEST MODE");
    expect(html).toContain("Complete authentication");
    expect(html).toContain("Fail authentication");
    expect(html).toContain("$15.00");

    const done = await fetch(`${rig.emulator.url}/3ds/authenticate/${intentId}`, {
      method: "POST",
      body: new URLSearchParams({ client_secret: String(action.client_secret), outcome: "complete" }),
      redirect: "manual",
    });
    expect(done.status).toBe(303);
    const back = new URL(String(done.headers.get("location")));
    expect(`${back.origin}${back.pathname}`).toBe("http://app.test/billing");
    expect(Object.fromEntries(back.searchParams)).toEqual({
      topup: "1",
      payment_intent: intentId,
      payment_intent_client_secret: String(action.client_secret),
      redirect_status: "succeeded",
    });
    const settled = await rig.stripe.paymentIntents.retrieve(intentId);
    expect(settled).toMatchObject({
      status: "succeeded",
      amount_received: 1500,
      next_action: null,
      last_payment_error: null,
      payment_method: method,
    });
    await waitFor(
      () => eventsFor(intentId),
      (types) => types.includes("payment_intent.succeeded"),
    );
    expect(eventsFor(intentId)).toEqual([
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
    // A second answer changes nothing: one charge.
    const again = await fetch(`${rig.emulator.url}/3ds/authenticate/${intentId}`, {
      method: "POST",
      body: new URLSearchParams({ client_secret: String(action.client_secret), outcome: "complete" }),
      redirect: "manual",
    });
    expect(again.status).toBe(200);
    expect(eventsFor(intentId).filter((t) => t === "charge.succeeded")).toHaveLength(1);
  });

  it("Fail authentication: requires_payment_method with payment_intent_authentication_failure, payment_failed, redirect_status=failed", async () => {
    const { customer, method } = await savedByPurchase(AUTH_ALWAYS);
    const intent = await rig.stripe.paymentIntents.create({
      amount: 500,
      currency: "usd",
      customer,
      payment_method: method,
      confirm: true,
      return_url: "http://app.test/back",
    });
    expect(intent.status).toBe("requires_action");
    const failed = await fetch(`${rig.emulator.url}/3ds/authenticate/${intent.id}`, {
      method: "POST",
      body: new URLSearchParams({ client_secret: String(intent.client_secret), outcome: "fail" }),
      redirect: "manual",
    });
    expect(failed.status).toBe(303);
    expect(new URL(String(failed.headers.get("location"))).searchParams.get("redirect_status")).toBe("failed");
    const after = await rig.stripe.paymentIntents.retrieve(intent.id);
    expect(after).toMatchObject({ status: "requires_payment_method", payment_method: null, latest_charge: null });
    expect(after.last_payment_error).toMatchObject({
      type: "invalid_request_error",
      code: "payment_intent_authentication_failure",
    });
    await waitFor(
      () => eventsFor(intent.id),
      (types) => types.includes("payment_intent.payment_failed"),
    );
    expect(eventsFor(intent.id)).toEqual(["payment_intent.requires_action", "payment_intent.payment_failed"]);
    // The payer may try again on session and succeed.
    const retry = await rig.stripe.paymentIntents.confirm(intent.id, {
      payment_method: method,
      return_url: "http://app.test/back",
    });
    expect(retry.status).toBe("requires_action");
  });

  it("3155 is exempt off session once saved for future use (as Stripe), but asks for 3D Secure on session", async () => {
    const { customer, method } = await savedByPurchase(AUTH_UNLESS_SET_UP);
    const off = await rig.stripe.paymentIntents.create(offSession(customer, method));
    expect(off.status).toBe("succeeded");
    const on = await rig.stripe.paymentIntents.create({
      amount: 1500,
      currency: "usd",
      customer,
      payment_method: method,
      confirm: true,
    });
    expect(on.status).toBe("requires_action");
    // Without return_url the action is for Stripe.js (use_stripe_sdk), as Stripe answers.
    expect(on.next_action).toMatchObject({ type: "use_stripe_sdk" });
  });

  it("0341: saved fine, every charge declined card_declined (payment_intent.payment_failed, last_payment_error)", async () => {
    expect(
      (await rig.control(`/_emulator/checkout/sessions/${(await rig.newSession()).id}/pay`, { card: CHARGE_FAILS }))
        .status,
    ).toBe(402);
    const { customer, method } = await savedBySetup(CHARGE_FAILS);
    expect((await rig.stripe.paymentMethods.retrieve(method)).card?.last4).toBe("0341");
    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    expect(error).toMatchObject({
      code: "card_declined",
      decline_code: "generic_decline",
      message: "Your card was declined.",
    });
    const intentId = String(error.payment_intent?.id);
    expect((await rig.stripe.paymentIntents.retrieve(intentId)).last_payment_error).toMatchObject({
      type: "card_error",
      code: "card_declined",
      decline_code: "generic_decline",
    });
    await waitFor(
      () => eventsFor(intentId),
      (types) => types.length > 0,
    );
    expect(eventsFor(intentId)).toEqual(["payment_intent.payment_failed"]);
    // On session too.
    const again = await cardError(rig.stripe.paymentIntents.confirm(intentId, { payment_method: method }));
    expect(again.code).toBe("card_declined");
  });

  it("9995: insufficient_funds off session", async () => {
    const { customer, method } = await savedBySetup(INSUFFICIENT_FUNDS);
    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    expect(error).toMatchObject({
      code: "card_declined",
      decline_code: "insufficient_funds",
      message: "Your card has insufficient funds.",
    });
    expect(error.payment_intent?.status).toBe("requires_payment_method");
  });

  it("a detached card (or another customer's) is refused as Stripe does, and no intent or event is created", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const other = await rig.stripe.customers.create({ email: "other@example.com" });
    const before = (await rig.stripe.events.list({ limit: 1 })).data[0]?.id;
    const foreign = await rig.stripe.paymentIntents.create(offSession(other.id, method)).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(foreign).toMatchObject({ statusCode: 400, param: "payment_method", code: "resource_missing" });

    await rig.stripe.paymentMethods.detach(method);
    const detached = await rig.stripe.paymentIntents.create(offSession(customer, method)).catch((e: unknown) => e);
    expect(detached).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(detached).toMatchObject({ statusCode: 400, param: "payment_method" });
    expect((detached as Error).message).toMatch(/detached from a Customer\. It may not be used again/);
    const missing = await rig.stripe.paymentIntents.create(offSession(customer, "pm_missing")).catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing", param: "payment_method" });
    // The only event since: the detach.
    const since = (await rig.stripe.events.list({ limit: 10, ending_before: before })).data.map((e) => e.type);
    expect(since).toEqual(["payment_method.detached"]);
  });

  it("Idempotency-Key: the same key replays the same answer (a card error too) without a second charge; other params → idempotency_error", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const first = await rig.stripe.paymentIntents.create(offSession(customer, method), { idempotencyKey: "topup:1" });
    const replay = await rig.stripe.paymentIntents.create(offSession(customer, method), { idempotencyKey: "topup:1" });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
    await waitFor(
      () => eventsFor(first.id),
      (types) => types.includes("payment_intent.succeeded"),
    );
    expect(eventsFor(first.id).filter((t) => t === "charge.succeeded")).toHaveLength(1);

    const mismatch = await rig.stripe.paymentIntents
      .create(offSession(customer, method, { amount: 5000 }), { idempotencyKey: "topup:1" })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);

    const declined = await savedBySetup(CHARGE_FAILS);
    const a = await cardError(
      rig.stripe.paymentIntents.create(offSession(declined.customer, declined.method), { idempotencyKey: "topup:2" }),
    );
    const b = await cardError(
      rig.stripe.paymentIntents.create(offSession(declined.customer, declined.method), { idempotencyKey: "topup:2" }),
    );
    expect(b.payment_intent?.id).toBe(a.payment_intent?.id);
    expect(b.headers?.["idempotent-replayed"]).toBe("true");
    await waitFor(
      () => eventsFor(String(a.payment_intent?.id)),
      (types) => types.length > 0,
    );
    expect(eventsFor(String(a.payment_intent?.id))).toEqual(["payment_intent.payment_failed"]);
  });

  it("cancel: requires_payment_method → canceled with payment_intent.canceled; a succeeded one cannot be canceled or confirmed", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const open = await rig.stripe.paymentIntents.create({ amount: 700, currency: "usd", customer });
    expect(open).toMatchObject({ status: "requires_payment_method", payment_method: null, latest_charge: null });
    const canceled = await rig.stripe.paymentIntents.cancel(open.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    await waitFor(
      () => eventsFor(open.id),
      (types) => types.includes("payment_intent.canceled"),
    );
    await expect(rig.stripe.paymentIntents.confirm(open.id, { payment_method: method })).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
    });

    const paid = await rig.stripe.paymentIntents.create(offSession(customer, method));
    await expect(rig.stripe.paymentIntents.cancel(paid.id)).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
    });
    await expect(rig.stripe.paymentIntents.confirm(paid.id, { payment_method: method })).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    });
  });

  it("bad input gets Stripe's errors and creates nothing", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const before = (await rig.stripe.events.list({ limit: 1 })).data[0]?.id;
    const cases: [Stripe.PaymentIntentCreateParams, object][] = [
      [
        { amount: 10, currency: "usd", customer },
        { code: "amount_too_small", param: "amount" },
      ],
      [{ amount: -5, currency: "usd" }, { param: "amount" }],
      [{ currency: "usd" } as Stripe.PaymentIntentCreateParams, { code: "parameter_missing", param: "amount" }],
      [
        { amount: 1500, currency: "usd", customer: "cus_missing" },
        { code: "resource_missing", param: "customer" },
      ],
      [
        { amount: 1500, currency: "usd", customer, payment_method: method, off_session: true },
        { param: "off_session" },
      ],
      [{ amount: 1500, currency: "usd", customer, return_url: "not a url", confirm: true }, { param: "return_url" }],
      [
        { amount: 1500, currency: "usd", customer, bogus: 1 } as unknown as Stripe.PaymentIntentCreateParams,
        { code: "parameter_unknown", param: "bogus" },
      ],
    ];
    for (const [params, expected] of cases) {
      await expect(rig.stripe.paymentIntents.create(params)).rejects.toMatchObject({ statusCode: 400, ...expected });
    }
    await expect(rig.stripe.paymentIntents.retrieve("pi_missing")).rejects.toMatchObject({ statusCode: 404 });
    await expect(rig.stripe.paymentIntents.confirm("pi_missing")).rejects.toMatchObject({ statusCode: 404 });
    const open = await rig.stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer });
    await expect(rig.stripe.paymentIntents.confirm(open.id)).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
    });
    expect((await rig.stripe.paymentIntents.retrieve(open.id)).status).toBe("requires_payment_method");
    await expect(rig.stripe.paymentIntents.retrieve(open.id, { expand: ["bogus"] })).rejects.toMatchObject({
      param: "expand",
    });
    expect((await rig.stripe.events.list({ limit: 1 })).data[0]?.id).toBe(before);
  });
  it("an expired saved card: StripeCardError expired_card (param exp_month) off and on session, payment_failed, no charge", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const expired = await rig.control<Stripe.PaymentMethod>(`/_emulator/payment_methods/${method}/expire`, {});
    expect(expired.status).toBe(200);
    const now = new Date();
    const listed = (await rig.stripe.customers.listPaymentMethods(customer)).data[0]?.card;
    if (!listed) throw new Error("the card stays listed");
    expect(listed.exp_year * 12 + listed.exp_month).toBe(now.getUTCFullYear() * 12 + now.getUTCMonth());

    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    expect(error).toMatchObject({
      statusCode: 402,
      code: "expired_card",
      decline_code: "expired_card",
      param: "exp_month",
      message: "Your card has expired.",
    });
    const failed = error.payment_intent;
    expect(failed).toMatchObject({ status: "requires_payment_method", latest_charge: null });
    expect(failed?.last_payment_error).toMatchObject({ code: "expired_card", payment_method: { id: method } });
    await waitFor(
      () => eventsFor(String(failed?.id)),
      (types) => types.length > 0,
    );
    expect(eventsFor(String(failed?.id))).toEqual(["payment_intent.payment_failed"]);

    const onSession = await cardError(
      rig.stripe.paymentIntents.confirm(String(failed?.id), {
        payment_method: method,
        return_url: "http://app.test/billing",
      }),
    );
    expect(onSession.code).toBe("expired_card");
    expect((await rig.control(`/_emulator/payment_methods/pm_missing/expire`, {})).body).toMatchObject({
      error: { code: "resource_missing" },
    });
  });

  it("3220 (3D Secure 2 required): authentication_required off session, requires_action on session", async () => {
    const { customer, method } = await savedByPurchase("4000 0000 0000 3220");
    const error = await cardError(rig.stripe.paymentIntents.create(offSession(customer, method)));
    expect(error.code).toBe("authentication_required");
    const action = await rig.stripe.paymentIntents.confirm(String(error.payment_intent?.id), {
      payment_method: method,
      return_url: "http://app.test/billing",
    });
    expect(action).toMatchObject({ status: "requires_action", next_action: { type: "redirect_to_url" } });
  });

  it("a top-up's charge is refundable and disputable like a Checkout one (refund by payment_intent, dispute by charge)", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const intent = await rig.stripe.paymentIntents.create(offSession(customer, method));
    const refund = await rig.stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
    expect(refund).toMatchObject({
      status: "succeeded",
      amount: 500,
      payment_intent: intent.id,
      charge: intent.latest_charge,
    });
    const charge = await rig.stripe.charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({ amount_refunded: 500, refunded: false, payment_intent: intent.id });
    const dispute = await rig.control<Stripe.Dispute>(`/_emulator/charges/${charge.id}/dispute`, {});
    expect(dispute.status).toBe(200);
    expect(dispute.body).toMatchObject({ payment_intent: intent.id, charge: charge.id, amount: 1000 });
    await waitFor(
      () => eventsFor(intent.id),
      (types) => types.includes("charge.dispute.created"),
    );
    expect(eventsFor(intent.id)).toEqual(
      expect.arrayContaining([
        "refund.created",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
      ]),
    );
  });

  it("detach: payment_method.detached with previous_attributes.customer; the card leaves the customer's list", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const detached = await rig.stripe.paymentMethods.detach(method);
    expect(detached).toMatchObject({ id: method, customer: null });
    expect((await rig.stripe.customers.listPaymentMethods(customer)).data).toEqual([]);
    expect((await rig.stripe.paymentMethods.retrieve(method)).customer).toBeNull();
    const event = await waitFor(
      () => rig.receiver?.ofType("payment_method.detached").find((r) => r.event.data.object.id === method),
      (found) => found !== undefined,
    );
    expect(JSON.parse(event!.body)).toMatchObject({
      data: { object: { customer: null }, previous_attributes: { customer } },
    });
  });
  it("paymentIntents.list: newest first, filtered by customer (Checkout's intents too), paginated, expand data.latest_charge", async () => {
    const { customer, method } = await savedByPurchase(VISA);
    const first = await rig.stripe.paymentIntents.create(offSession(customer, method));
    const second = await rig.stripe.paymentIntents.create(offSession(customer, method, { amount: 500 }));
    const listed = await rig.stripe.paymentIntents.list({ customer, expand: ["data.latest_charge"] });
    expect(listed.data.map((pi) => pi.id).slice(0, 2)).toEqual([second.id, first.id]);
    // The third is the Checkout purchase that saved the card.
    expect(listed.data).toHaveLength(3);
    expect((listed.data[0]?.latest_charge as Stripe.Charge).receipt_url).toMatch(/\/receipts\/payment\//);
    const page = await rig.stripe.paymentIntents.list({ customer, limit: 1, starting_after: second.id });
    expect(page).toMatchObject({ has_more: true, data: [{ id: first.id }] });
    const all: string[] = [];
    for await (const pi of rig.stripe.paymentIntents.list({ customer, limit: 2 })) all.push(pi.id);
    expect(all).toEqual(listed.data.map((pi) => pi.id));
    const bad = await rig.stripe.paymentIntents.list({ expand: ["latest_charge"] }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ statusCode: 400, param: "expand" });
  });
});
