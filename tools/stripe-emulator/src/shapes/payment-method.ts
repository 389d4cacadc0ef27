import type { PaymentMethod, SetupIntent } from "../objects";
import { billingDetails } from "./common";

export function paymentMethodShape(method: PaymentMethod) {
  const { card } = method;
  return {
    ...method,
    billing_details: billingDetails(method.billing_details.email, method.billing_details.name),
    card: {
      ...card,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand,
      funding: "credit",
      generated_from: null,
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    customer_account: null,
  };
}

export function setupIntentShape(intent: SetupIntent) {
  return {
    ...intent,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    mandate: null,
    next_action: null,
    on_behalf_of: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    single_use_mandate: null,
  };
}
