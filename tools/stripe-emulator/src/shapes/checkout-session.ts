import type { CheckoutSession } from "../objects";
import { emptyAddress } from "./common";

/** A Checkout Session as Stripe sends it for a hosted, payment- or setup-mode session without tax, shipping or discounts. */
export function checkoutSessionShape(session: CheckoutSession) {
  const { invoice_creation_enabled, invoice_metadata, setup_future_usage: _saveCard, ...stored } = session;
  const details = stored.customer_details;
  return {
    ...stored,
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    client_secret: null,
    collected_information: { business_name: null, individual_name: null, shipping_details: null },
    consent: null,
    consent_collection: null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_account: null,
    customer_details: details
      ? { ...details, address: emptyAddress(), business_name: null, individual_name: null }
      : null,
    discounts: [],
    integration_identifier: null,
    invoice: stored.invoice ?? null,
    invoice_creation:
      stored.mode === "payment"
        ? {
            enabled: invoice_creation_enabled ?? false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: invoice_metadata ?? {},
              rendering_options: null,
            },
          }
        : null,
    managed_payments: null,
    origin_context: null,
    payment_link: null,
    payment_method_collection: stored.mode === "setup" ? "always" : "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: stored.customer
      ? { allow_redisplay_filters: ["always"], payment_method_remove: null, payment_method_save: null }
      : null,
    setup_intent: stored.setup_intent ?? null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    submit_type: null,
    subscription: null,
    wallet_options: null,
  };
}
