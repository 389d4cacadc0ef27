import { emitEvent, type EmulatorContext } from "./context";
import { newId, nowSeconds } from "./ids";
import type { CheckoutSession, Invoice, PaymentIntent } from "./objects";
import { invoicePrefixOf } from "./shapes/customer";

/**
 * The invoice Checkout creates for a paid payment-mode session with `invoice_creation[enabled]=true`: numbered per
 * customer (`<prefix>-0001`), finalized and paid with the session (`invoice.paid`).
 */
export function createInvoiceForSession(
  ctx: EmulatorContext,
  session: CheckoutSession,
  intent: PaymentIntent,
): Invoice | null {
  if (!session.invoice_creation_enabled || !session.customer || session.invoice) return null;
  const { state } = ctx.store;
  const sequence = Object.values(state.invoices).filter((invoice) => invoice.customer === session.customer).length + 1;
  const id = newId("in");
  const invoice: Invoice = {
    id,
    object: "invoice",
    created: nowSeconds(),
    currency: intent.currency,
    customer: session.customer,
    customer_email: session.customer_details?.email ?? null,
    customer_name: session.customer_details?.name ?? null,
    lines: (state.lineItems[session.id] ?? []).map((item) => ({
      id: newId("il"),
      object: "line_item" as const,
      amount: item.amount_total,
      currency: item.currency,
      description: item.description,
      invoice: id,
      invoice_item: newId("ii"),
      price: item.price.id,
      product: item.price.product,
      quantity: item.quantity,
      unit_amount: item.price.unit_amount,
    })),
    metadata: session.invoice_metadata ?? {},
    number: `${invoicePrefixOf(session.customer)}-${String(sequence).padStart(4, "0")}`,
    payment_intent: intent.id,
    status: "paid",
    total: intent.amount,
  };
  state.invoices[id] = invoice;
  session.invoice = id;
  emitEvent(ctx, "invoice.paid", invoice);
  return invoice;
}
