import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRig, type Rig } from "./harness";

/** The new fields mean what Stripe's mean: pages behind receipt_url / hosted_invoice_url / client_secret, saved cards. */
describe("stripe emulator: receipts, client secrets, saved cards and invoices", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(() => rig.close());

  const form = (url: string, fields: Record<string, string>) =>
    fetch(url, { method: "POST", body: new URLSearchParams(fields) });
  const CARD = { cardNumber: "4242 4242 4242 4242", cardExpiry: "08 / 31", cardCvc: "123", billingName: "Ada Buyer" };

  async function paid(params: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
    const session = await rig.newSession(params);
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    return rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
  }

  it("charge.receipt_url serves that charge's receipt, refunds included", async () => {
    const session = await paid();
    const charge = (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    expect(charge.receipt_url).toBe(`${rig.emulator.url}/receipts/payment/${charge.id}`);
    const page = await fetch(charge.receipt_url ?? "");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const body = await page.text();
    expect(body).toContain("Receipt from Tally");
    expect(body).toContain("$15.00");
    expect(body).toContain("Pro pack");
    expect(body).toContain("VISA •••• 4242");
    expect(body).not.toContain("Refunded");

    await rig.stripe.refunds.create({ charge: charge.id, amount: 500 });
    expect(await (await fetch(charge.receipt_url ?? "")).text()).toContain("−$5.00");
    expect((await fetch(`${rig.emulator.url}/receipts/payment/ch_unknown`)).status).toBe(404);
  });

  it("a payment intent's client_secret opens the confirmation page (only the exact secret), which pays it once", async () => {
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { delayed: true });
    await rig.control(`/_emulator/checkout/sessions/${session.id}/async_result`, { succeeded: false });
    const { payment_intent } = await rig.stripe.checkout.sessions.retrieve(session.id);
    const intent = await rig.stripe.paymentIntents.retrieve(String(payment_intent));
    expect(intent.status).toBe("requires_payment_method");
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_\\w+$`));
    const url = `${rig.emulator.url}/confirm/${intent.client_secret}`;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Amount due: $15.00");
    expect((await fetch(`${rig.emulator.url}/confirm/${intent.id}_secret_guessed`)).status).toBe(404);
    expect((await fetch(`${rig.emulator.url}/confirm/${intent.id}`)).status).toBe(404);

    const declined = await form(url, { ...CARD, cardNumber: "4000 0000 0000 0002" });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined.");
    expect((await rig.stripe.paymentIntents.retrieve(intent.id)).status).toBe("requires_payment_method");

    expect((await form(url, CARD)).status).toBe(200);
    const settled = await rig.stripe.paymentIntents.retrieve(intent.id);
    expect(settled).toMatchObject({ status: "succeeded", amount_received: 1500, last_payment_error: null });
    expect(settled.payment_method).toMatch(/^pm_/);
    const again = await form(url, CARD);
    expect(await again.text()).toContain("Payment complete");
    const charges = Object.values(rig.receiver?.ofType("charge.succeeded") ?? []).filter(
      (r) => r.event.data.object.payment_intent === intent.id,
    );
    expect(charges).toHaveLength(1);
  });

  it("a SetupIntent's client_secret saves a card on the customer; it can be listed and detached", async () => {
    const customer = await rig.stripe.customers.create({ email: "keep@example.com" });
    const intent = await rig.stripe.setupIntents.create({ customer: customer.id });
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      usage: "off_session",
      payment_method: null,
      customer: customer.id,
    });
    expect((await form(`${rig.emulator.url}/confirm/${intent.client_secret}`, CARD)).status).toBe(200);

    const done = await rig.stripe.setupIntents.retrieve(intent.id);
    expect(done.status).toBe("succeeded");
    const method = await rig.stripe.paymentMethods.retrieve(String(done.payment_method));
    expect(method).toMatchObject({
      type: "card",
      customer: customer.id,
      card: { brand: "visa", last4: "4242", exp_month: 8, exp_year: 2031 },
    });
    expect(method.billing_details).toMatchObject({ name: "Ada Buyer", email: "keep@example.com" });
    const listed = await rig.stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((m) => m.id)).toEqual([method.id]);
    const types = rig.receiver?.received.map((r) => r.event.type) ?? [];
    expect(types).toEqual(
      expect.arrayContaining(["setup_intent.created", "setup_intent.succeeded", "payment_method.attached"]),
    );

    const detached = await rig.stripe.paymentMethods.detach(method.id);
    expect(detached.customer).toBeNull();
    expect((await rig.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
    const detachEvent = rig.receiver?.ofType("payment_method.detached").at(-1)?.event as unknown as {
      data: { previous_attributes: object };
    };
    expect(detachEvent.data.previous_attributes).toEqual({ customer: customer.id });
    await expect(rig.stripe.paymentMethods.detach(method.id)).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_method_unexpected_state",
    });
  });

  it("setup_future_usage keeps the paying card on a customer Checkout creates; invoice_creation makes a numbered paid invoice", async () => {
    const session = await paid({
      customer_email: "new@example.com",
      payment_intent_data: { setup_future_usage: "off_session" },
      invoice_creation: { enabled: true, invoice_data: { metadata: { order: "42" } } },
    });
    expect(session.customer).toMatch(/^cus_/);
    const intent = session.payment_intent as Stripe.PaymentIntent;
    expect(intent.setup_future_usage).toBe("off_session");
    const method = await rig.stripe.paymentMethods.retrieve(String(intent.payment_method));
    expect(method.customer).toBe(session.customer);
    expect((intent.latest_charge as Stripe.Charge).payment_method).toBe(method.id);

    const invoice = await rig.stripe.invoices.retrieve(String(session.invoice));
    const customer = (await rig.stripe.customers.retrieve(String(session.customer))) as Stripe.Customer;
    expect(invoice).toMatchObject({
      status: "paid",
      total: 1500,
      amount_paid: 1500,
      amount_remaining: 0,
      customer: customer.id,
      metadata: { order: "42" },
    });
    expect(invoice.number).toBe(`${customer.invoice_prefix}-0001`);
    expect(customer.next_invoice_sequence).toBe(2);
    expect(invoice.lines.data[0]).toMatchObject({ amount: 1500, quantity: 1, description: "Pro pack" });
    const page = await fetch(invoice.hosted_invoice_url ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Invoice ${invoice.number}`);
    expect(rig.receiver?.ofType("invoice.paid").some((r) => r.event.data.object.id === invoice.id)).toBe(true);
    const expanded = await rig.stripe.checkout.sessions.retrieve(session.id, { expand: ["invoice"] });
    expect((expanded.invoice as Stripe.Invoice).invoice_pdf).toBe(invoice.invoice_pdf);
    // Without invoice_creation there is no invoice.
    expect((await paid()).invoice).toBeNull();
  });

  it("invoice_pdf serves the invoice as a real PDF: header, objects, xref offsets, trailer, its number, lines and total", async () => {
    const session = await paid({ customer_email: "pdf@example.com", invoice_creation: { enabled: true } });
    const invoice = await rig.stripe.invoices.retrieve(String(session.invoice));
    expect(invoice.invoice_pdf).toBe(`${rig.emulator.url}/invoices/${invoice.id}/pdf`);
    const res = await fetch(invoice.invoice_pdf ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Invoice-${invoice.number!.replace(/[^A-Za-z0-9-]/g, "")}.pdf"`,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
    const pdf = bytes.toString("latin1");
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.trimEnd().endsWith("%%EOF")).toBe(true);

    // startxref points at the xref table, and every in-use entry points at "<n> 0 obj".
    const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 5)).toBe("xref\n");
    const xref = /^xref\n0 (\d+)\n((?:\d{10} \d{5} [nf] \n)+)trailer\n<<(.*)>>\n/s.exec(pdf.slice(startxref));
    expect(xref).not.toBeNull();
    const entries = xref![2]!.match(/.{20}/gs)!;
    expect(entries).toHaveLength(Number(xref![1]));
    entries.slice(1).forEach((entry, i) => {
      const offset = Number(entry.slice(0, 10));
      expect(pdf.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(xref![3]).toContain(`/Size ${entries.length}`);
    expect(xref![3]).toContain("/Root 1 0 R");
    expect(pdf).toContain("/Type /Catalog");
    // The content stream's declared length is its real length.
    const stream = /<< \/Length (\d+) >>\nstream\n(.*?)\nendstream/s.exec(pdf);
    expect(Buffer.byteLength(stream![2]!, "latin1")).toBe(Number(stream![1]));
    expect(stream![2]).toContain(`(Invoice ${invoice.number}) Tj`);
    expect(stream![2]).toContain("(Pro pack) Tj");
    expect(stream![2]).toContain("(USD 15.00) Tj");
    expect(stream![2]).toContain("(pdf@example.com) Tj");

    const missing = await fetch(`${rig.emulator.url}/invoices/in_missing/pdf`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("setup-mode Checkout saves a card without charging anything", async () => {
    const customer = await rig.stripe.customers.create({ email: "setup@example.com" });
    const session = await rig.stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer: customer.id,
      success_url: "http://app.test/ok",
    });
    expect(session).toMatchObject({ mode: "setup", amount_total: null, payment_intent: null, setup_intent: null });
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    const done = await rig.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required", payment_intent: null });
    const intent = await rig.stripe.setupIntents.retrieve(String(done.setup_intent));
    expect(intent.status).toBe("succeeded");
    expect((await rig.stripe.customers.listPaymentMethods(customer.id)).data.map((m) => m.id)).toEqual([
      intent.payment_method,
    ]);
  });

  it("bad input gets Stripe's errors and changes nothing", async () => {
    const newestEvent = async () => (await rig.stripe.events.list({ limit: 1 })).data[0]?.id;
    const before = await newestEvent();
    await expect(rig.stripe.setupIntents.create({ customer: "cus_missing" })).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "customer",
    });
    await expect(
      rig.stripe.checkout.sessions.create({
        mode: "setup",
        line_items: [{ price: "price_pro", quantity: 1 }],
        success_url: "http://app.test/ok",
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: "line_items" });
    await expect(
      rig.stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: "price_pro", quantity: 1 }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "mode" });
    await expect(rig.stripe.paymentMethods.retrieve("pm_missing")).rejects.toMatchObject({ statusCode: 404 });
    await expect(rig.stripe.invoices.retrieve("in_missing")).rejects.toMatchObject({ statusCode: 404 });
    await expect(rig.stripe.customers.listPaymentMethods("cus_missing")).rejects.toMatchObject({ statusCode: 404 });
    expect(await newestEvent()).toBe(before);
  });
});
