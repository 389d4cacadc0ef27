import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sdkFor, startRig, type Rig } from "./harness";

/** The official SDK against the emulator, for every call the app makes. */
describe("stripe emulator REST contract (official SDK)", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ receiver: null });
  });
  afterAll(() => rig.close());

  it("creates and retrieves customers", async () => {
    const created = await rig.stripe.customers.create({
      email: "a@example.com",
      name: "Ada",
      metadata: { userId: "u1" },
    });
    expect(created).toMatchObject({
      object: "customer",
      email: "a@example.com",
      name: "Ada",
      metadata: { userId: "u1" },
      livemode: false,
    });
    expect(created.id).toMatch(/^cus_/);
    const fetched = await rig.stripe.customers.retrieve(created.id);
    expect(fetched).toEqual(created);
  });

  it("retrieves prices with amount, currency and product", async () => {
    const price = await rig.stripe.prices.retrieve("price_pro");
    expect(price).toMatchObject({
      id: "price_pro",
      object: "price",
      unit_amount: 1500,
      currency: "usd",
      active: true,
      type: "one_time",
    });
    expect(price.product).toMatch(/^prod_/);
    const expanded = await rig.stripe.prices.retrieve("price_pro", { expand: ["product"] });
    expect((expanded.product as Stripe.Product).name).toBe("Pro pack");
  });

  it("creates a checkout session shaped like Stripe's, with a hosted url", async () => {
    const customer = await rig.stripe.customers.create({ email: "buyer@example.com" });
    const session = await rig.newSession({ customer: customer.id });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 1500,
      amount_subtotal: 1500,
      currency: "usd",
      customer: customer.id,
      client_reference_id: "user_1",
      metadata: { userId: "user_1", packId: "pro", credits: "200000" },
      payment_intent: null,
      success_url: "http://app.test/billing?success=1&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/billing?canceled=1",
      livemode: false,
    });
    expect(session.url).toBe(`${rig.emulator.url}/c/pay/${session.id}`);
    expect(session.expires_at - session.created).toBe(24 * 3600);
  });

  it("retrieves a session with expanded line_items and payment_intent, and lists its line items", async () => {
    const session = await rig.newSession({ line_items: [{ price: "price_starter", quantity: 2 }] });
    const plain = await rig.stripe.checkout.sessions.retrieve(session.id);
    expect(plain.line_items).toBeUndefined();
    expect(plain.amount_total).toBe(1000);

    const expanded = await rig.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["line_items", "payment_intent"],
    });
    expect(expanded.line_items?.object).toBe("list");
    expect(expanded.line_items?.data[0]).toMatchObject({
      quantity: 2,
      amount_total: 1000,
      price: { id: "price_starter", unit_amount: 500 },
    });
    expect(expanded.payment_intent).toBeNull();
    const badExpand = await rig.stripe.checkout.sessions
      .retrieve(session.id, { expand: ["nope"] })
      .catch((e: unknown) => e);
    expect(badExpand).toMatchObject({
      statusCode: 400,
      param: "expand",
      message: "This property cannot be expanded (nope).",
    });

    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card: "4242424242424242" });
    const paid = await rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "succeeded",
      amount: 1000,
      amount_received: 1000,
    });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    expect(paid.customer_details?.email).toBe("buyer@example.com");

    const items = await rig.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]?.description).toBe("Starter pack");
  });

  it("retrieves payment intents and charges of a paid session", async () => {
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    const paid = await rig.stripe.checkout.sessions.retrieve(session.id);
    const intent = await rig.stripe.paymentIntents.retrieve(paid.payment_intent as string);
    expect(intent.latest_charge).toMatch(/^ch_/);
    const charge = await rig.stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({
      amount: 1500,
      amount_refunded: 0,
      refunded: false,
      disputed: false,
      payment_intent: intent.id,
      paid: true,
    });
  });

  it("expires an open session like Stripe (checkout.sessions.expire): no payment afterwards, a closed session refuses", async () => {
    const session = await rig.newSession();
    const expired = await rig.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({
      id: session.id,
      object: "checkout.session",
      status: "expired",
      payment_status: "unpaid",
      url: null,
    });
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    const events = await rig.stripe.events.list({ type: "checkout.session.expired", limit: 100 });
    expect(events.data.filter((e) => (e.data.object as { id: string }).id === session.id)).toHaveLength(1);
    // A late completion cannot happen at Stripe: the hosted page and the pay control both refuse it.
    expect(
      (await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card: "4242424242424242" })).status,
    ).toBe(400);
    expect((await fetch(session.url!)).status).toBe(410);
    expect((await rig.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("unpaid");

    const again = await rig.stripe.checkout.sessions.expire(session.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(again).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('status of "expired"') as unknown,
    });

    const paid = await rig.newSession();
    expect(
      (await rig.control(`/_emulator/checkout/sessions/${paid.id}/pay`, { card: "4242424242424242" })).status,
    ).toBe(200);
    const closed = await rig.stripe.checkout.sessions.expire(paid.id).catch((e: unknown) => e);
    expect(closed).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('status of "complete"') as unknown,
    });
    expect((await rig.stripe.checkout.sessions.retrieve(paid.id)).status).toBe("complete");
    expect(await rig.stripe.checkout.sessions.expire("cs_test_missing").catch((e: unknown) => e)).toMatchObject({
      statusCode: 404,
    });
  });

  it("lists sessions newest first with filters and cursor pagination", async () => {
    const fresh = await startRig({ receiver: null });
    try {
      const customer = await fresh.stripe.customers.create({});
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await fresh.newSession(i === 0 ? { customer: customer.id } : {}));
      await fresh.control(`/_emulator/checkout/sessions/${created[1]!.id}/pay`, {});
      await fresh.control(`/_emulator/checkout/sessions/${created[2]!.id}/expire`, {});

      const page1 = await fresh.stripe.checkout.sessions.list({ limit: 2 });
      expect(page1).toMatchObject({ object: "list", has_more: true, url: "/v1/checkout/sessions" });
      expect(page1.data.map((s) => s.id)).toEqual([created[4]!.id, created[3]!.id]);
      const page2 = await fresh.stripe.checkout.sessions.list({ limit: 2, starting_after: created[3]!.id });
      expect(page2.data.map((s) => s.id)).toEqual([created[2]!.id, created[1]!.id]);

      const all: string[] = [];
      for await (const s of fresh.stripe.checkout.sessions.list({ limit: 2 })) all.push(s.id);
      expect(all).toEqual(created.map((s) => s.id).reverse());

      expect((await fresh.stripe.checkout.sessions.list({ status: "complete" })).data.map((s) => s.id)).toEqual([
        created[1]!.id,
      ]);
      expect((await fresh.stripe.checkout.sessions.list({ status: "expired" })).data.map((s) => s.id)).toEqual([
        created[2]!.id,
      ]);
      expect((await fresh.stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
        created[0]!.id,
      ]);
      const paid = await fresh.stripe.checkout.sessions.retrieve(created[1]!.id);
      const byIntent = await fresh.stripe.checkout.sessions.list({ payment_intent: paid.payment_intent as string });
      expect(byIntent.data.map((s) => s.id)).toEqual([created[1]!.id]);
      expect((await fresh.stripe.checkout.sessions.list({ created: { gte: created[0]!.created } })).data).toHaveLength(
        5,
      );
      expect((await fresh.stripe.checkout.sessions.list({ created: { gt: created[4]!.created } })).data).toHaveLength(
        0,
      );
      const withItems = await fresh.stripe.checkout.sessions.list({ limit: 1, expand: ["data.line_items"] });
      expect(withItems.data[0]?.line_items?.data[0]?.price?.id).toBe("price_pro");
    } finally {
      await fresh.close();
    }
  });

  it("surfaces Stripe-shaped errors as the SDK's typed errors", async () => {
    const missing = await rig.stripe.checkout.sessions.retrieve("cs_test_nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      message: "No such checkout.session: 'cs_test_nope'",
    });

    const unknownPrice = await rig
      .newSession({ line_items: [{ price: "price_nope", quantity: 1 }] })
      .catch((e: unknown) => e);
    expect(unknownPrice).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknownPrice).toMatchObject({ statusCode: 400, code: "resource_missing", param: "line_items[0][price]" });

    const noMode = await rig.stripe.checkout.sessions
      .create({ line_items: [{ price: "price_pro", quantity: 1 }] } as Stripe.Checkout.SessionCreateParams)
      .catch((e: unknown) => e);
    expect(noMode).toMatchObject({
      type: "StripeInvalidRequestError",
      code: "parameter_missing",
      param: "mode",
      statusCode: 400,
    });

    const unknownParam = await rig.stripe.customers
      .create({ nonsense: "x" } as Stripe.CustomerCreateParams)
      .catch((e: unknown) => e);
    expect(unknownParam).toMatchObject({
      type: "StripeInvalidRequestError",
      code: "parameter_unknown",
      param: "nonsense",
    });

    const badQuantity = await rig
      .newSession({ line_items: [{ price: "price_pro", quantity: 0 }] })
      .catch((e: unknown) => e);
    expect(badQuantity).toMatchObject({ type: "StripeInvalidRequestError", param: "line_items[0][quantity]" });

    const noCustomer = await rig.stripe.customers.retrieve("cus_missing").catch((e: unknown) => e);
    expect(noCustomer).toMatchObject({ type: "StripeInvalidRequestError", statusCode: 404, code: "resource_missing" });

    const auth = await sdkFor(rig.emulator.port, "sk_live_definitelynotallowed")
      .customers.create({})
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(auth).toMatchObject({ statusCode: 401 });
  });

  it("writes nothing on invalid input", async () => {
    const before = await rig.stripe.checkout.sessions.list({ limit: 100 });
    await rig
      .newSession({
        line_items: [
          { price: "price_pro", quantity: 1 },
          { price: "price_nope", quantity: 1 },
        ],
      })
      .catch(() => undefined);
    await rig.newSession({ customer: "cus_missing" }).catch(() => undefined);
    const soon = Math.floor(Date.now() / 1000) + 60;
    expect(await rig.newSession({ expires_at: soon }).catch((e: unknown) => e)).toMatchObject({
      statusCode: 400,
      param: "expires_at",
    });
    const customer = await rig.stripe.customers.create({});
    expect(
      await rig.newSession({ customer: customer.id, customer_email: "x@example.com" }).catch((e: unknown) => e),
    ).toMatchObject({
      statusCode: 400,
      param: "customer_email",
    });
    expect(await rig.newSession({ mode: "subscription" }).catch((e: unknown) => e)).toMatchObject({
      statusCode: 400,
      param: "mode",
    });
    expect(await rig.newSession({ success_url: "not a url" }).catch((e: unknown) => e)).toMatchObject({
      statusCode: 400,
      param: "success_url",
    });
    const after = await rig.stripe.checkout.sessions.list({ limit: 100 });
    expect(after.data.map((s) => s.id)).toEqual(before.data.map((s) => s.id));
  });

  it("answers raw bad form-encoded input with a Stripe-shaped 400", async () => {
    const post = (body: string) =>
      fetch(`${rig.emulator.url}/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization: "Bearer sk_test_raw", "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    const notArray = await post("mode=payment&line_items=oops");
    expect(notArray.status).toBe(400);
    expect(await notArray.json()).toEqual({
      error: { type: "invalid_request_error", message: "Invalid array: line_items", param: "line_items" },
    });

    const badKey = await post("mode=payment&line_items[0][price=price_pro");
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toMatchObject({
      error: { type: "invalid_request_error", param: "line_items[0][price" },
    });

    const conflict = await post("metadata=x&metadata[a]=b&mode=payment");
    expect(conflict.status).toBe(400);
    expect(((await conflict.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");

    const badInteger = await post("mode=payment&line_items[0][price]=price_pro&line_items[0][quantity]=two");
    expect(await badInteger.json()).toEqual({
      error: {
        type: "invalid_request_error",
        code: "parameter_invalid_integer",
        message: "Invalid integer: two",
        param: "line_items[0][quantity]",
      },
    });

    const noKey = await fetch(`${rig.emulator.url}/v1/customers`, { method: "POST" });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toMatch(
      /did not provide an API key/,
    );

    const unknownRoute = await fetch(`${rig.emulator.url}/v1/nothing_here`, {
      headers: { authorization: "Bearer sk_test_x" },
    });
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { error: { message: string } }).error.message).toMatch(
      /Unrecognized request URL/,
    );
  });
});
