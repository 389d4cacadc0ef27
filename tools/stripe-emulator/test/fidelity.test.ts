import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRig, waitFor, type Rig } from "./harness";
import { loadFixtures, RESOURCES } from "./fidelity/fixtures";
import { compareShape, isObject, type JsonObject, type ShapeReport } from "./fidelity/shape-compare";
import { StripeTypes } from "./fidelity/stripe-types";

/**
 * Fidelity: each object the app uses, created through the official SDK against the emulator, has the shape of Stripe's
 * own example of that resource (../shared/stripe/fixtures3.json). Compared on the wire JSON (the SDK turns decimal
 * strings into Decimal objects after parsing, for Stripe and the emulator alike).
 */
describe("stripe emulator fidelity against Stripe's fixtures", () => {
  const fixtures = loadFixtures();
  let types: StripeTypes;
  let rig: Rig;
  const rows: { resource: string; variant: string; report: ShapeReport }[] = [];

  beforeAll(async () => {
    types = new StripeTypes(RESOURCES);
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
    if (rows.length > 0) console.log(fidelityTable(rows));
  });

  const fixtureOf = (object: string) => {
    const fixture = fixtures[object];
    return fixture && RESOURCES[object] ? { fixture, type: types.root(object) } : undefined;
  };

  /** Fields Stripe sends only when expanded; each is checked below on a request that expands it. */
  const ON_REQUEST: Record<string, Set<string>> = {
    // API version 2022-11-15: "charge.refunds is no longer included by default; expand it".
    charge: new Set(["refunds"]),
  };

  function check(
    resource: string,
    variant: string,
    actual: unknown,
    options: { expanded?: boolean } = {},
  ): ShapeReport {
    const found = fixtureOf(resource);
    if (!found) throw new Error(`no fixture for ${resource}`);
    let fixture = found.fixture;
    if (resource === "event") {
      // The fixture's event carries a plan; data.object is checked against its own resource below.
      fixture = { ...fixture, data: { object: {} } };
    }
    const onRequest = options.expanded ? undefined : ON_REQUEST[resource];
    const report = compareShape(fixture, actual, found.type, { types, fixtureFor: fixtureOf, onRequest });
    rows.push({ resource, variant, report });
    return report;
  }

  const raw = async (path: string) => (await rig.stripe.rawRequest("GET", path)) as unknown as JsonObject;
  const expectFull = (report: ShapeReport) => {
    expect.soft(report.problems).toEqual([]);
    expect.soft(report.present).toBe(report.total);
  };

  async function paidSession(
    params: Partial<Stripe.Checkout.SessionCreateParams> = {},
    pay: Record<string, unknown> = {},
  ) {
    const customer = await rig.stripe.customers.create({ email: "buyer@example.com", name: "Ada Buyer" });
    const session = await rig.newSession({ customer: customer.id, ...params });
    const paid = await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {
      card: "4242424242424242",
      ...pay,
    });
    expect(paid.status).toBe(200);
    return raw(`/v1/checkout/sessions/${session.id}`);
  }

  it("the comparison itself catches missing fields, wrong types, nulls and ids Stripe never sends", () => {
    const fixture = fixtures.charge as JsonObject;
    const compare = (actual: unknown) =>
      compareShape(fixture, actual, types.root("charge"), { types, fixtureFor: fixtureOf }).problems;
    const good = structuredClone(fixture);
    expect(compare(good)).toEqual([]);
    const { receipt_url: _dropped, ...missing } = good;
    expect(compare(missing)).toEqual(["receipt_url: missing"]);
    expect(compare({ ...good, amount: "100" })).toEqual(["amount: string, Stripe sends number"]);
    expect(compare({ ...good, paid: null })[0]).toMatch(/^paid: null, but Stripe's type is boolean/);
    // Nullable in Stripe's types (balance_transaction), expandable (balance_transaction as an id), free-form (metadata).
    expect(compare({ ...good, balance_transaction: null, metadata: { anything: "goes" } })).toEqual([]);
    const card = (good.payment_method_details as JsonObject).card as JsonObject;
    const { last4: _last4, ...cardWithoutLast4 } = card;
    expect(
      compare({
        ...good,
        payment_method_details: { ...(good.payment_method_details as JsonObject), card: cardWithoutLast4 },
      }),
    ).toEqual(["payment_method_details.card.last4: missing"]);
    const refunds = { ...(good.refunds as JsonObject), data: [{ id: "re_1", object: "refund" }] };
    expect(
      compareShape(
        { ...fixture, refunds: { ...(fixture.refunds as JsonObject), data: [fixtures.refund as JsonObject] } },
        { ...good, refunds },
        types.root("charge"),
        { types, fixtureFor: fixtureOf },
      ).problems,
    ).toContain("refunds.data[0].amount: missing");
    // An object where Stripe sends a plain string (not expandable) is wrong.
    expect(compare({ ...good, currency: { id: "usd", object: "currency" } })).toEqual([
      "currency: object, Stripe sends string",
    ]);
  });

  it("customer, price, product and line item", async () => {
    const customer = await rig.stripe.customers.create({
      email: "c@example.com",
      name: "Cee",
      metadata: { userId: "u1" },
    });
    expectFull(check("customer", "created", await raw(`/v1/customers/${customer.id}`)));
    const price = await raw("/v1/prices/price_pro");
    expect(typeof price.unit_amount_decimal).toBe("string");
    expectFull(check("price", "one-time pack", price));
    expectFull(check("product", "pack", await raw(`/v1/products/${String(price.product)}`)));
    const session = await rig.newSession();
    const items = await raw(`/v1/checkout/sessions/${session.id}/line_items`);
    expectFull(check("item", "session line item", (items.data as JsonObject[])[0]));
  });

  it("checkout.session in each state, payment intent, charge and refund", async () => {
    const open = await rig.newSession();
    expectFull(check("checkout.session", "open", await raw(`/v1/checkout/sessions/${open.id}`)));

    const paid = await paidSession();
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
    expectFull(check("checkout.session", "complete, paid", paid));

    const delayed = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${delayed.id}/pay`, { delayed: true });
    const unpaid = await raw(`/v1/checkout/sessions/${delayed.id}`);
    expect(unpaid).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expectFull(check("checkout.session", "complete, unpaid (async)", unpaid));
    expectFull(
      check("payment_intent", "processing", await raw(`/v1/payment_intents/${String(unpaid.payment_intent)}`)),
    );

    const expiring = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${expiring.id}/expire`, {});
    expectFull(check("checkout.session", "expired", await raw(`/v1/checkout/sessions/${expiring.id}`)));

    const intent = await raw(`/v1/payment_intents/${String(paid.payment_intent)}`);
    expectFull(check("payment_intent", "succeeded", intent));
    const charge = await raw(`/v1/charges/${String(intent.latest_charge)}`);
    expectFull(check("charge", "succeeded", charge));

    const refund = await rig.stripe.refunds.create({ payment_intent: String(paid.payment_intent), amount: 100 });
    expectFull(check("refund", "partial", await raw(`/v1/refunds/${refund.id}`)));
    const partlyRefunded = await raw(`/v1/charges/${String(intent.latest_charge)}`);
    expect(partlyRefunded).not.toHaveProperty("refunds");
    expectFull(check("charge", "partly refunded", partlyRefunded));
    const withRefunds = await raw(`/v1/charges/${String(intent.latest_charge)}?expand[]=refunds`);
    expect((withRefunds.refunds as { data: JsonObject[] }).data.map((r) => r.id)).toEqual([refund.id]);
    expectFull(check("charge", "expand[]=refunds", withRefunds, { expanded: true }));

    const expanded = await rig.stripe.checkout.sessions.retrieve(String(paid.id), {
      expand: ["payment_intent.latest_charge", "line_items", "customer"],
    });
    expect(isObject(expanded.payment_intent)).toBe(true);
    expectFull(check("checkout.session", "expanded", JSON.parse(JSON.stringify(expanded)) as JsonObject));
  });

  it("dispute", async () => {
    const paid = await paidSession();
    const intent = await raw(`/v1/payment_intents/${String(paid.payment_intent)}`);
    const opened = await rig.control<{ id: string }>(`/_emulator/charges/${String(intent.latest_charge)}/dispute`, {});
    expectFull(check("dispute", "needs_response", await raw(`/v1/disputes/${opened.body.id}`)));
    await rig.control(`/_emulator/disputes/${opened.body.id}/close`, { status: "won" });
    expectFull(check("dispute", "won", await raw(`/v1/disputes/${opened.body.id}`)));
  });

  it("payment method, setup intent (API, confirmation page, setup-mode Checkout) and invoice", async () => {
    const customer = await rig.stripe.customers.create({ email: "save@example.com" });
    const created = await rig.stripe.setupIntents.create({ customer: customer.id, usage: "off_session" });
    expectFull(check("setup_intent", "requires_payment_method", await raw(`/v1/setup_intents/${created.id}`)));
    const confirmed = await fetch(`${rig.emulator.url}/confirm/${created.client_secret}`, {
      method: "POST",
      body: new URLSearchParams({
        cardNumber: "4242 4242 4242 4242",
        cardExpiry: "12 / 34",
        cardCvc: "123",
        billingName: "Ada",
      }),
    });
    expect(confirmed.status).toBe(200);
    const succeeded = await raw(`/v1/setup_intents/${created.id}`);
    expect(succeeded.status).toBe("succeeded");
    expectFull(check("setup_intent", "succeeded", succeeded));
    expectFull(
      check("payment_method", "saved card", await raw(`/v1/payment_methods/${String(succeeded.payment_method)}`)),
    );

    const paid = await paidSession({
      invoice_creation: { enabled: true },
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    expect(String(paid.invoice)).toMatch(/^in_/);
    expectFull(check("checkout.session", "complete, paid, invoice + saved card", paid));
    expectFull(check("invoice", "paid (Checkout invoice_creation)", await raw(`/v1/invoices/${String(paid.invoice)}`)));
    // What the app reads on fulfilment: the session with its charge and its invoice expanded in one request.
    expectFull(
      check(
        "checkout.session",
        "expanded: line_items, payment_intent.latest_charge, invoice",
        await raw(
          `/v1/checkout/sessions/${paid.id}?expand[]=line_items&expand[]=payment_intent.latest_charge&expand[]=invoice`,
        ),
      ),
    );
    const intent = await raw(`/v1/payment_intents/${String(paid.payment_intent)}`);
    expectFull(check("payment_intent", "succeeded, setup_future_usage", intent));
    expectFull(
      check(
        "payment_method",
        "card saved by Checkout",
        await raw(`/v1/payment_methods/${String(intent.payment_method)}`),
      ),
    );

    const setup = await rig.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      success_url: "http://app.test/ok",
    });
    expectFull(check("checkout.session", "setup mode, open", await raw(`/v1/checkout/sessions/${setup.id}`)));
    await rig.control(`/_emulator/checkout/sessions/${setup.id}/pay`, {});
    const saved = await raw(`/v1/checkout/sessions/${setup.id}`);
    expect(saved).toMatchObject({ status: "complete", payment_status: "no_payment_required" });
    expectFull(check("checkout.session", "setup mode, complete", saved));
    expectFull(
      check(
        "setup_intent",
        "succeeded (Checkout setup mode)",
        await raw(`/v1/setup_intents/${String(saved.setup_intent)}`),
      ),
    );
  });

  it("payment intents through the API: off-session succeeded, authentication_required, requires_action (next_action), canceled; their events", async () => {
    const saved = async (card: string) => {
      const customer = await rig.stripe.customers.create({ email: "pi@example.com" });
      await paidSession(
        { customer: customer.id, payment_intent_data: { setup_future_usage: "off_session" } },
        { card },
      );
      const [method] = (await rig.stripe.customers.listPaymentMethods(customer.id)).data;
      return { customer: customer.id, method: String(method?.id) };
    };
    const offSession = (s: { customer: string; method: string }) => ({
      amount: 1500,
      currency: "usd",
      customer: s.customer,
      payment_method: s.method,
      off_session: true,
      confirm: true,
    });
    const visa = await saved("4242424242424242");
    const ok = await rig.stripe.paymentIntents.create(offSession(visa));
    expectFull(check("payment_intent", "API, off-session succeeded", await raw(`/v1/payment_intents/${ok.id}`)));

    const sca = await saved("4000002760003184");
    const error = await rig.stripe.paymentIntents
      .create(offSession(sca))
      .catch((e: { payment_intent?: { id: string } }) => e);
    const failedId = String((error as { payment_intent?: { id: string } }).payment_intent?.id);
    const failed = await raw(`/v1/payment_intents/${failedId}`);
    expect(failed).toMatchObject({ status: "requires_payment_method" });
    expect(isObject(failed.last_payment_error)).toBe(true);
    expectFull(check("payment_intent", "authentication_required (last_payment_error)", failed));
    await rig.stripe.paymentIntents.confirm(failedId, {
      payment_method: sca.method,
      return_url: "http://app.test/back",
    });
    const action = await raw(`/v1/payment_intents/${failedId}`);
    expect(action).toMatchObject({ status: "requires_action", next_action: { type: "redirect_to_url" } });
    expectFull(check("payment_intent", "requires_action (next_action redirect_to_url)", action));

    const open = await rig.stripe.paymentIntents.create({ amount: 900, currency: "usd", customer: visa.customer });
    await rig.stripe.paymentIntents.cancel(open.id, { cancellation_reason: "abandoned" });
    expectFull(check("payment_intent", "canceled", await raw(`/v1/payment_intents/${open.id}`)));

    const receiver = rig.receiver;
    if (!receiver) throw new Error("the rig has a webhook receiver");
    for (const type of [
      "payment_intent.succeeded",
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "payment_intent.canceled",
    ]) {
      const event = await waitFor(
        () => receiver.ofType(type).at(-1),
        (found) => found !== undefined,
      );
      const parsed = JSON.parse(event?.body ?? "{}") as JsonObject;
      expectFull(check("event", type, parsed));
      expectFull(check("payment_intent", `${type} data.object`, (parsed.data as JsonObject).object as JsonObject));
    }
  });

  /** Every event type the app's webhook handles that the emulator emits (charge.dispute.updated needs evidence: not emulated). */
  const HANDLED = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.closed",
    "charge.dispute.funds_reinstated",
  ];
  /** Stripe sends previous_attributes on events that report a change to an existing object, not on checkout.session.*. */
  const WITH_PREVIOUS: Record<string, object> = {
    "charge.refunded": { amount_refunded: 0, refunded: false },
    "charge.dispute.closed": { status: "needs_response" },
  };

  it("event payloads: envelope, data.object of each handled type, previous_attributes where Stripe sends it", async () => {
    const paid = await paidSession();
    await rig.stripe.refunds.create({ payment_intent: String(paid.payment_intent), amount: 100 });
    const intent = await raw(`/v1/payment_intents/${String(paid.payment_intent)}`);
    const dispute = await rig.control<{ id: string }>(`/_emulator/charges/${String(intent.latest_charge)}/dispute`, {});
    await rig.control(`/_emulator/disputes/${dispute.body.id}/close`, { status: "won" });
    for (const succeeded of [true, false]) {
      const delayed = await rig.newSession();
      await rig.control(`/_emulator/checkout/sessions/${delayed.id}/pay`, { delayed: true });
      await rig.control(`/_emulator/checkout/sessions/${delayed.id}/async_result`, { succeeded });
    }
    const expiring = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${expiring.id}/expire`, {});

    const receiver = rig.receiver;
    if (!receiver) throw new Error("the rig has a webhook receiver");
    for (const type of HANDLED) {
      const delivered = receiver.ofType(type).map((r) => JSON.parse(r.body) as JsonObject);
      expect.soft(delivered.length, type).toBeGreaterThan(0);
      for (const event of delivered.slice(-1)) {
        expectFull(check("event", type, event));
        const data = event.data as JsonObject;
        const object = data.object as JsonObject;
        expectFull(check(String(object.object), `${type} data.object`, object));
        if (WITH_PREVIOUS[type]) expect.soft(data.previous_attributes, type).toEqual(WITH_PREVIOUS[type]);
        else expect.soft(data, type).not.toHaveProperty("previous_attributes");
      }
    }
    const fromApi = await raw(
      `/v1/events/${String((JSON.parse(receiver.ofType("charge.refunded")[0]?.body ?? "{}") as JsonObject).id)}`,
    );
    expectFull(check("event", "retrieved", fromApi));
  });
});

function fidelityTable(rows: { resource: string; variant: string; report: ShapeReport }[]): string {
  const byResource = new Map<
    string,
    { top: [number, number]; all: [number, number]; objects: number; nulls: Set<string> }
  >();
  for (const { resource, report } of rows) {
    const row = byResource.get(resource) ?? { top: [0, 0], all: [0, 0], objects: 0, nulls: new Set<string>() };
    // A resource is as good as its worst object.
    if (row.objects === 0 || report.present / report.total < row.all[0] / row.all[1]) {
      row.top = [report.topLevelPresent, report.topLevelTotal];
      row.all = [report.present, report.total];
    }
    row.objects += 1;
    for (const path of report.nulls) row.nulls.add(path);
    byResource.set(resource, row);
  }
  const pct = ([a, b]: [number, number]) => `${b === 0 ? 100 : Math.floor((a / b) * 1000) / 10}%`;
  const lines = [
    "| Resource | Top-level fields | All field paths | % | Objects checked | Null where Stripe's types allow it |",
    "| --- | --- | --- | --- | --- | --- |",
    ...[...byResource].map(
      ([resource, r]) =>
        `| \`${resource}\` | ${r.top[0]} / ${r.top[1]} | ${r.all[0]} / ${r.all[1]} | ${pct(r.all)} | ${r.objects} | ${r.nulls.size} |`,
    ),
  ];
  return `\nStripe emulator fidelity (fields present / Stripe fixture fields):\n${lines.join("\n")}\n`;
}
