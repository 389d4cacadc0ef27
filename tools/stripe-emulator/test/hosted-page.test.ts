import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRig, waitFor, type Rig } from "./harness";

const CARD = { email: "buyer@example.com", cardExpiry: "12 / 34", cardCvc: "123", billingName: "Test Buyer" };

describe("stripe emulator hosted checkout page", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(() => rig.close());

  const submit = (session: Stripe.Checkout.Session, fields: Record<string, string>) =>
    fetch(session.url!, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
  const eventsFor = async (sessionId: string) =>
    (await rig.stripe.events.list({ limit: 100 })).data
      .filter((e) => (e.data.object as { id: string }).id === sessionId)
      .map((e) => e.type);

  it("renders a test-mode page with the product, amount and Stripe's field ids and labels", async () => {
    const session = await rig.newSession();
    const res = await fetch(session.url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    for (const id of ["email", "cardNumber", "cardExpiry", "cardCvc", "billingName"])
      expect(html).toContain(`id="${id}"`);
    for (const label of [
      'for="email">Email<',
      'for="cardNumber">Card information<',
      'for="billingName">Cardholder name<',
    ])
      expect(html).toContain(label);
    expect(html).toMatch(/data-testid="hosted-payment-submit-button">Pay<\/button>/);
    expect(html).toContain('data-testid="business-link" href="http://app.test/billing?canceled=1"');
    expect(html).toContain("TEST MODE");
    expect(html).toContain("Pro pack");
    expect(html).toContain("$15.00");
    expect(html).not.toMatch(/<link|<script src|https?:\/\/fonts/);
  });

  it("shows a read-only email when the session has customer_email", async () => {
    const session = await rig.newSession({ customer_email: "fixed@example.com" });
    const html = await (await fetch(session.url!)).text();
    expect(html).toMatch(/id="email"[^>]*readonly[^>]*value="fixed@example.com"/);
  });

  it("pays with 4242 and redirects to success_url with the session id filled in", async () => {
    const session = await rig.newSession();
    const res = await submit(session, { ...CARD, cardNumber: "4242 4242 4242 4242" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://app.test/billing?success=1&session_id=${session.id}`);
    const paid = await rig.stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({
      status: "complete",
      payment_status: "paid",
      customer_details: { email: "buyer@example.com", name: "Test Buyer" },
    });
    expect(await eventsFor(session.id)).toEqual(["checkout.session.completed"]);
    await waitFor(
      () => rig.receiver!.ofType("checkout.session.completed").filter((r) => r.event.data.object.id === session.id),
      (l) => l.length === 1,
    );

    const again = await fetch(session.url!);
    expect(await again.text()).toContain("Payment complete");
    const repost = await submit(session, { ...CARD, cardNumber: "4242424242424242" });
    expect(repost.status).toBe(200);
    expect(
      (await rig.stripe.events.list({ type: "checkout.session.completed", limit: 100 })).data.filter(
        (e) => (e.data.object as { id: string }).id === session.id,
      ),
    ).toHaveLength(1);
  });

  it.each([
    ["4000 0000 0000 0002", "Your card was declined."],
    ["4000 0000 0000 9995", "Your card has insufficient funds."],
  ])("card %s is refused with Stripe's message and nothing changes", async (number, message) => {
    const session = await rig.newSession();
    const res = await submit(session, { ...CARD, cardNumber: number });
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html.split(message)).toHaveLength(2);
    expect(html).toContain(`value="${number}"`);
    expect(await rig.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
    });
    expect(await eventsFor(session.id)).toEqual([]);
  });

  it.each([
    [{ cardExpiry: "01 / 20" }, "Your card's expiration year is in the past."],
    [{ cardExpiry: "13 / 40" }, "Your card's expiration date is invalid."],
    [{ cardCvc: "1" }, "Your card's security code is incomplete."],
    [{ cardNumber: "4242 4242 4242 4241" }, "Your card number is invalid."],
    [{ cardNumber: "" }, "Your card number is incomplete."],
    [{ email: "not-an-email" }, "Your email address is invalid."],
    [{ billingName: " " }, "Your name is incomplete."],
  ])("shows an inline error for %o and changes nothing", async (override, message) => {
    const session = await rig.newSession();
    const res = await submit(session, { ...CARD, cardNumber: "4242 4242 4242 4242", ...override });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message.replace("'", "&#39;"));
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect(await eventsFor(session.id)).toEqual([]);
  });

  it("delayed bank transfer completes unpaid, then async success pays it", async () => {
    const session = await rig.newSession();
    const res = await submit(session, {
      email: "slow@example.com",
      billingName: "Slow Payer",
      paymentMethod: "delayed",
    });
    expect(res.status).toBe(303);
    const pending = await rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(pending).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect((pending.payment_intent as Stripe.PaymentIntent).status).toBe("processing");
    expect(await eventsFor(session.id)).toEqual(["checkout.session.completed"]);
    const completed = (await rig.stripe.events.list({ type: "checkout.session.completed", limit: 1 })).data[0]!;
    expect((completed.data.object as Stripe.Checkout.Session).payment_status).toBe("unpaid");

    const settled = await rig.control<Stripe.Checkout.Session>(
      `/_emulator/checkout/sessions/${session.id}/async_result`,
      { succeeded: true },
    );
    expect(settled.body).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(await eventsFor(session.id)).toEqual([
      "checkout.session.async_payment_succeeded",
      "checkout.session.completed",
    ]);
    const intent = await rig.stripe.paymentIntents.retrieve(
      pending.payment_intent ? (pending.payment_intent as Stripe.PaymentIntent).id : "",
    );
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 1500 });
    expect(
      (await rig.control(`/_emulator/checkout/sessions/${session.id}/async_result`, { succeeded: true })).status,
    ).toBe(400);
  });

  it("delayed payment that fails sends async_payment_failed and stays unpaid", async () => {
    const session = await rig.newSession();
    const paid = await rig.control<Stripe.Checkout.Session>(`/_emulator/checkout/sessions/${session.id}/pay`, {
      delayed: true,
    });
    expect(paid.body).toMatchObject({ status: "complete", payment_status: "unpaid" });
    await rig.control(`/_emulator/checkout/sessions/${session.id}/async_result`, { succeeded: false });
    expect(await eventsFor(session.id)).toEqual([
      "checkout.session.async_payment_failed",
      "checkout.session.completed",
    ]);
    const after = await rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(after.payment_status).toBe("unpaid");
    expect((after.payment_intent as Stripe.PaymentIntent).status).toBe("requires_payment_method");
  });

  it("control pay with a declined card answers 402 card_error and leaves the session open", async () => {
    const session = await rig.newSession();
    const res = await rig.control<{ error: Record<string, string> }>(`/_emulator/checkout/sessions/${session.id}/pay`, {
      card: "4000000000000002",
    });
    expect(res).toEqual({
      status: 402,
      body: {
        error: {
          type: "card_error",
          code: "card_declined",
          decline_code: "generic_decline",
          message: "Your card was declined.",
        },
      },
    });
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card: 4242 })).status).toBe(400);
  });

  it("expired sessions show a clear page and cannot be paid; unknown sessions are 404", async () => {
    const session = await rig.newSession();
    const expired = await rig.control<Stripe.Checkout.Session>(`/_emulator/checkout/sessions/${session.id}/expire`, {});
    expect(expired.body).toMatchObject({ status: "expired", url: null });
    const page = await fetch(session.url!);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("This checkout session has expired");
    expect((await submit(session, { ...CARD, cardNumber: "4242424242424242" })).status).toBe(410);
    expect((await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {})).status).toBe(400);
    expect(await eventsFor(session.id)).toEqual(["checkout.session.expired"]);

    const missing = await fetch(`${rig.emulator.url}/c/pay/cs_test_missing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Checkout session not found");
  });
});
