import { z } from "zod";

import { chargeCard, setupCard, validateCardFields } from "./cards";
import { emitEvent, type EmulatorContext } from "./context";
import { formatAmount, statusPage } from "./hosted-page-html";
import type { Charge, PaymentIntent, SetupIntent } from "./objects";
import { createCharge } from "./payments";
import { invoicePdf } from "./invoice-pdf";
import { confirmPage, receiptPage, type ReceiptLine } from "./receipt-html";
import { route, type Reply } from "./router";
import { createCardPaymentMethod, succeedSetupIntent } from "./saved-cards";
import { statementDescriptorOf } from "./shapes/charge";

const html = (status: number, body: string): Reply => ({ status, html: body });
const notFound = (what: string) => html(404, statusPage(`${what} not found`, "This link is not valid."));

function methodLabel(charge: Charge): string {
  const card = charge.payment_method_details.card;
  return card ? `${card.brand.toUpperCase()} •••• ${card.last4}` : "Bank transfer";
}

function sessionLines(ctx: EmulatorContext, paymentIntent: string): ReceiptLine[] {
  const session = Object.values(ctx.store.state.sessions).find((s) => s.payment_intent === paymentIntent);
  const items = session ? (ctx.store.state.lineItems[session.id] ?? []) : [];
  return items.map((item) => ({ description: item.description, quantity: item.quantity, amount: item.amount_total }));
}

type Intent = { kind: "payment"; intent: PaymentIntent } | { kind: "setup"; intent: SetupIntent };

/** Only the exact client secret opens an intent's page; its id alone does not. */
function intentBySecret(ctx: EmulatorContext, secret: string): Intent | null {
  const { state } = ctx.store;
  const id = secret.split("_secret_")[0] ?? "";
  const payment = state.paymentIntents[id];
  if (payment?.client_secret === secret) return { kind: "payment", intent: payment };
  const setup = state.setupIntents[id];
  if (setup?.client_secret === secret) return { kind: "setup", intent: setup };
  return null;
}

const cardForm = z.object({
  cardNumber: z.string().default(""),
  cardExpiry: z.string().default(""),
  cardCvc: z.string().default(""),
  billingName: z.string().default(""),
});

function confirmView(found: Intent, action: string, errors: Parameters<typeof confirmPage>[0]["errors"] = {}) {
  const heading = found.kind === "setup" ? "Save a card" : "Complete your payment";
  const detail =
    found.kind === "setup"
      ? "Your card is saved for later payments."
      : `Amount due: ${formatAmount(found.intent.amount, found.intent.currency)}`;
  return confirmPage({ action, heading, detail, errors });
}

function settledPage(found: Intent): Reply {
  const done = found.intent.status === "succeeded";
  return html(
    200,
    statusPage(
      done ? (found.kind === "setup" ? "Card saved" : "Payment complete") : `Status: ${found.intent.status}`,
      done ? "Nothing more to do." : "This intent cannot be confirmed here.",
    ),
  );
}

function confirm(ctx: EmulatorContext, found: Intent, form: z.output<typeof cardForm>, action: string): Reply {
  const errors = validateCardFields({ number: form.cardNumber, expiry: form.cardExpiry, cvc: form.cardCvc });
  if (Object.keys(errors).length > 0) return html(400, confirmView(found, action, errors));
  const card = found.kind === "setup" ? setupCard(form.cardNumber) : chargeCard(form.cardNumber);
  if (!card.ok) return html(402, confirmView(found, action, { [card.field]: card.message }));
  const name = form.billingName.trim() || null;
  if (found.kind === "setup") {
    const customer = found.intent.customer ? ctx.store.state.customers[found.intent.customer] : undefined;
    const method = createCardPaymentMethod(ctx, {
      ...card,
      number: form.cardNumber,
      expiry: form.cardExpiry,
      email: customer?.email ?? null,
      name,
    });
    succeedSetupIntent(ctx, found.intent, method);
    return settledPage(found);
  }
  const intent = found.intent;
  const method = createCardPaymentMethod(ctx, {
    ...card,
    number: form.cardNumber,
    expiry: form.cardExpiry,
    email: intent.receipt_email,
    name,
  });
  intent.payment_method = method.id;
  intent.payment_method_types = ["card"];
  intent.last_payment_error = null;
  const charge = createCharge(
    ctx,
    intent,
    { email: intent.receipt_email, name },
    { type: "card", card: { brand: card.brand, last4: card.last4 } },
  );
  emitEvent(ctx, "charge.succeeded", charge);
  emitEvent(ctx, "payment_intent.succeeded", intent);
  ctx.store.save();
  return settledPage(found);
}

export const receiptRoutes = [
  route("page", "GET", "/receipts/payment/:id", (ctx, req) => {
    const charge = ctx.store.state.charges[req.params.id ?? ""];
    if (!charge) return notFound("Receipt");
    return html(
      200,
      receiptPage({
        title: "Receipt",
        businessName: ctx.businessName,
        number: `Receipt ${statementDescriptorOf(ctx)}-${charge.id.slice(-8).toUpperCase()}`,
        paidAt: charge.created,
        currency: charge.currency,
        amount: charge.amount,
        refunded: charge.amount_refunded,
        method: methodLabel(charge),
        email: charge.receipt_email,
        lines: sessionLines(ctx, charge.payment_intent),
      }),
    );
  }),
  route("page", "GET", "/invoices/:id", (ctx, req) => {
    const invoice = ctx.store.state.invoices[req.params.id ?? ""];
    if (!invoice) return notFound("Invoice");
    const charge = Object.values(ctx.store.state.charges).find((c) => c.payment_intent === invoice.payment_intent);
    return html(
      200,
      receiptPage({
        title: "Invoice",
        businessName: ctx.businessName,
        number: `Invoice ${invoice.number}`,
        paidAt: invoice.created,
        currency: invoice.currency,
        amount: invoice.total,
        refunded: charge?.amount_refunded ?? 0,
        method: charge ? methodLabel(charge) : "—",
        email: invoice.customer_email,
        lines: invoice.lines.map((line) => ({
          description: line.description,
          quantity: line.quantity,
          amount: line.amount,
        })),
      }),
    );
  }),
  route("page", "GET", "/invoices/:id/pdf", (ctx, req) => {
    const invoice = ctx.store.state.invoices[req.params.id ?? ""];
    if (!invoice) return notFound("Invoice");
    const filename = `Invoice-${invoice.number.replace(/[^A-Za-z0-9-]/g, "")}.pdf`;
    return {
      status: 200,
      file: invoicePdf(invoice, ctx.businessName),
      headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${filename}"` },
    };
  }),
  route("page", "GET", "/confirm/:secret", (ctx, req) => {
    const found = intentBySecret(ctx, req.params.secret ?? "");
    if (!found) return notFound("Payment");
    if (found.intent.status !== "requires_payment_method") return settledPage(found);
    return html(200, confirmView(found, req.path));
  }),
  route("page", "POST", "/confirm/:secret", (ctx, req) => {
    const found = intentBySecret(ctx, req.params.secret ?? "");
    if (!found) return notFound("Payment");
    if (found.intent.status !== "requires_payment_method") return settledPage(found);
    return confirm(ctx, found, cardForm.parse(req.body), req.path);
  }),
];
