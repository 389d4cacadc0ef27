import type { PaymentIntent } from "../objects";

/** A PaymentIntent (Checkout's or the API's): explicit payment method types, automatic capture and confirmation. */
export function paymentIntentShape(intent: PaymentIntent) {
  return {
    ...intent,
    amount_details: { tip: {} },
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    cancellation_reason: intent.cancellation_reason ?? null,
    capture_method: "automatic_async",
    client_secret: intent.client_secret ?? null,
    confirmation_method: "automatic",
    customer_account: null,
    excluded_payment_method_types: null,
    managed_payments: null,
    next_action: intent.next_action ?? null,
    on_behalf_of: null,
    payment_method: intent.payment_method ?? null,
    payment_method_configuration_details: null,
    payment_method_options: intent.payment_method_types.includes("card")
      ? { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } }
      : {},
    processing: null,
    review: null,
    setup_future_usage: intent.setup_future_usage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_data: null,
    transfer_group: null,
  };
}
