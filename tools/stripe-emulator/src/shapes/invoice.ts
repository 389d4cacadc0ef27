import type { EmulatorContext } from "../context";
import type { Invoice, InvoiceLine } from "../objects";
import { listObject } from "../objects";

export const hostedInvoiceUrlOf = (ctx: EmulatorContext, invoiceId: string) => `${ctx.publicUrl}/invoices/${invoiceId}`;
export const invoicePdfUrlOf = (ctx: EmulatorContext, invoiceId: string) =>
  `${ctx.publicUrl}/invoices/${invoiceId}/pdf`;

function lineShape(line: InvoiceLine, created: number) {
  const { invoice_item, price, product, unit_amount, ...stored } = line;
  return {
    ...stored,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: {
        invoice_item,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
      type: "invoice_item_details",
    },
    period: { end: created, start: created },
    pretax_credit_amounts: [],
    pricing: { price_details: { price, product }, type: "price_details", unit_amount_decimal: String(unit_amount) },
    quantity_decimal: String(line.quantity),
    subscription: null,
    subtotal: line.amount,
    taxes: [],
  };
}

/** A Checkout invoice: finalized and paid the moment the session is, with a hosted page the emulator serves. */
export function invoiceShape(ctx: EmulatorContext, invoice: Invoice) {
  const { lines, payment_intent: _paidBy, ...stored } = invoice;
  const { created, total } = invoice;
  return {
    ...stored,
    account_country: "US",
    account_name: ctx.businessName,
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: total,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: true,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: "manual",
    collection_method: "charge_automatically",
    custom_fields: null,
    customer_account: null,
    customer_address: null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: hostedInvoiceUrlOf(ctx, invoice.id),
    invoice_pdf: invoicePdfUrlOf(ctx, invoice.id),
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: listObject(
      `/v1/invoices/${invoice.id}/lines`,
      lines.map((line) => lineShape(line, created)),
      false,
    ),
    livemode: false,
    next_payment_attempt: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: created, voided_at: null },
    subscription: null,
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  };
}
