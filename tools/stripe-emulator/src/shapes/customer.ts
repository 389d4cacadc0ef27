import type { EmulatorContext } from "../context";
import type { Customer } from "../objects";
import { digest } from "./common";

/** Stripe's invoice number prefix: fixed per customer, upper-case letters and digits. */
export const invoicePrefixOf = (customerId: string) =>
  digest(customerId, 8)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "0");

export function customerShape(ctx: EmulatorContext, customer: Customer) {
  const invoices = Object.values(ctx.store.state.invoices).filter((invoice) => invoice.customer === customer.id).length;
  return {
    ...customer,
    default_source: null,
    delinquent: false,
    discount: null,
    invoice_prefix: invoicePrefixOf(customer.id),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    next_invoice_sequence: invoices + 1,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}
