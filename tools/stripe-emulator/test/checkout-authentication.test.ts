import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRig, type Rig } from "./harness";

/**
 * Hosted Checkout's 3D Secure step, as Stripe test mode shows its modal: after "Pay" with 4000 0025 0000 3155,
 * 4000 0027 6000 3184 or 4000 0000 0000 3220 the payer completes or fails authentication. Complete pays (and saves the
 * card) as before; Fail leaves the session open with Stripe's message, nothing charged, nothing saved.
 */
const FORM = { email: "buyer@example.com", cardExpiry: "12 / 34", cardCvc: "123", billingName: "Test Buyer" };
const AUTH_FAILED =
  "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

describe("stripe emulator: 3D Secure on the hosted checkout page", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ receiver: null });
  });
  afterAll(() => rig.close());

  const post = (url: string, fields: Record<string, string>) =>
    fetch(url, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });

  /** Submits the card form; a 3D Secure card answers with the authentication step (its form's action and token). */
  async function payAndReachAuthentication(session: Stripe.Checkout.Session, cardNumber: string) {
    const res = await post(session.url!, { ...FORM, cardNumber });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="3ds-page"');
    expect(html).toContain("<h1");
    expect(html).toMatch(/<button type="submit" name="outcome" value="complete"[^>]*data-testid="3ds-complete"/);
    expect(html).toMatch(/<button type="submit" name="outcome" value="fail"[^>]*data-testid="3ds-fail"/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !token) throw new Error("no authentication form");
    expect(html).not.toContain(cardNumber.replaceAll(" ", ""));
    return { html, answer: (outcome: string) => post(`${rig.emulator.url}${action}`, { token, outcome }) };
  }

  const eventsSince = async (before: string | undefined) =>
    (await rig.stripe.events.list({ limit: 100, ...(before ? { ending_before: before } : {}) })).data.map(
      (e) => e.type,
    );
  const lastEventId = async () => (await rig.stripe.events.list({ limit: 1 })).data[0]?.id;

  it("payment mode, 3155: Pay asks for authentication first (nothing paid yet); Complete pays and goes to success_url", async () => {
    const session = await rig.newSession();
    const before = await lastEventId();
    const step = await payAndReachAuthentication(session, "4000 0025 0000 3155");
    expect(step.html).toContain("$15.00");
    expect(await rig.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      payment_intent: null,
    });
    expect(await eventsSince(before)).toEqual([]);

    const done = await step.answer("complete");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`http://app.test/billing?success=1&session_id=${session.id}`);
    const paid = await rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe("succeeded");
    expect((intent.latest_charge as Stripe.Charge).payment_method_details?.card?.last4).toBe("3155");
    expect((await eventsSince(before)).sort()).toEqual(
      ["charge.succeeded", "checkout.session.completed", "payment_intent.succeeded"].sort(),
    );
  });

  it("Fail: the session stays open with Stripe's message under the card, no charge, no event; it can then be paid", async () => {
    const session = await rig.newSession();
    const before = await lastEventId();
    const step = await payAndReachAuthentication(session, "4000 0027 6000 3184");
    const failed = await step.answer("fail");
    expect(failed.status).toBe(402);
    const page = await failed.text();
    expect(page).toContain(AUTH_FAILED);
    expect(page).toMatch(/id="cardNumber-error" role="alert"/);
    expect(page).toContain('data-testid="hosted-payment-submit-button"');
    expect(await rig.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
    });
    expect(await eventsSince(before)).toEqual([]);

    // The same answer cannot be replayed (single-use token): nothing happens.
    const replay = await step.answer("complete");
    expect(replay.status).toBe(400);
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const paid = await post(session.url!, { ...FORM, cardNumber: "4242 4242 4242 4242" });
    expect(paid.status).toBe(303);
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("paid");
  });

  it("setup_future_usage: Fail saves no card; Complete saves it, and off session it behaves as the card does", async () => {
    const customer = await rig.stripe.customers.create({ email: "sca@example.com" });
    const session = await rig.newSession({
      customer: customer.id,
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    await (await payAndReachAuthentication(session, "4000 0027 6000 3184")).answer("fail");
    expect((await rig.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);

    const done = await (await payAndReachAuthentication(session, "4000 0027 6000 3184")).answer("complete");
    expect(done.status).toBe(303);
    const [card] = (await rig.stripe.customers.listPaymentMethods(customer.id)).data;
    expect(card?.card?.last4).toBe("3184");
    const offSession = await rig.stripe.paymentIntents
      .create({
        amount: 1500,
        currency: "usd",
        customer: customer.id,
        payment_method: card!.id,
        off_session: true,
        confirm: true,
      })
      .catch((e: unknown) => e);
    expect(offSession).toMatchObject({ type: "StripeCardError", code: "authentication_required" });
  });

  it("setup mode, 3220: asks to confirm the card (no amount); Fail saves nothing, Complete saves it through a SetupIntent", async () => {
    const customer = await rig.stripe.customers.create({ email: "setup-sca@example.com" });
    const session = await rig.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
    });
    const first = await payAndReachAuthentication(session, "4000 0000 0000 3220");
    expect(first.html).toContain("your card for future payments");
    expect((await first.answer("fail")).status).toBe(402);
    expect(await rig.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      setup_intent: null,
    });
    expect((await rig.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);

    const done = await (await payAndReachAuthentication(session, "4000 0000 0000 3220")).answer("complete");
    expect(done.headers.get("location")).toBe(`http://app.test/ok?session_id=${session.id}`);
    const complete = await rig.stripe.checkout.sessions.retrieve(session.id);
    expect(complete).toMatchObject({ status: "complete", payment_status: "no_payment_required" });
    expect((await rig.stripe.setupIntents.retrieve(String(complete.setup_intent))).status).toBe("succeeded");
    const [card] = (await rig.stripe.customers.listPaymentMethods(customer.id)).data;
    expect(card?.card?.last4).toBe("3220");
  });

  it("cards that need no authentication pay straight away, as before", async () => {
    const session = await rig.newSession();
    const res = await post(session.url!, { ...FORM, cardNumber: "4242 4242 4242 4242" });
    expect(res.status).toBe(303);
  });

  it("control pay: 3D Secure cards are authenticated by default; authentication: fail answers Stripe's error", async () => {
    const session = await rig.newSession();
    const failed = await rig.control<{ error: Record<string, unknown> }>(
      `/_emulator/checkout/sessions/${session.id}/pay`,
      { card: "4000 0025 0000 3155", authentication: "fail" },
    );
    expect(failed.status).toBe(402);
    expect(failed.body.error).toMatchObject({
      type: "card_error",
      code: "payment_intent_authentication_failure",
      message: AUTH_FAILED,
    });
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    const paid = await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card: "4000 0025 0000 3155" });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: "complete", payment_status: "paid" });
  });
});
