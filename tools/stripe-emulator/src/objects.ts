/** The Stripe-shaped objects the emulator stores and returns (only the fields a Stripe client reads). */
export type Metadata = Record<string, string>;

export interface PriceConfig {
  id: string;
  unitAmount: number;
  currency: string;
  productName: string;
}

export interface Customer {
  id: string;
  object: "customer";
  address: null;
  balance: number;
  created: number;
  currency: string | null;
  description: string | null;
  email: string | null;
  livemode: false;
  metadata: Metadata;
  name: string | null;
  phone: string | null;
}

export interface LineItem {
  id: string;
  object: "item";
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string;
  price: ReturnType<typeof priceObject>;
  quantity: number;
}

export interface CustomerDetails {
  address: null;
  email: string | null;
  name: string | null;
  phone: null;
  tax_exempt: "none";
  tax_ids: [];
}

export interface CheckoutSession {
  id: string;
  object: "checkout.session";
  amount_subtotal: number | null;
  amount_total: number | null;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string | null;
  customer: string | null;
  customer_creation: "if_required" | "always" | null;
  customer_details: CustomerDetails | null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  locale: string | null;
  metadata: Metadata;
  mode: "payment" | "setup";
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: "unpaid" | "paid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number } | null;
  ui_mode: "hosted";
  url: string | null;
  /** Set when `invoice_creation[enabled]` was true and the session was paid. */
  invoice?: string | null;
  invoice_creation_enabled?: boolean;
  invoice_metadata?: Metadata;
  /** From `payment_intent_data[setup_future_usage]`: the card is saved to the customer. */
  setup_future_usage?: "on_session" | "off_session" | null;
  setup_intent?: string | null;
}

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  canceled_at: number | null;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  last_payment_error: PaymentError | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Metadata;
  payment_method_types: string[];
  receipt_email: string | null;
  status: "processing" | "succeeded" | "requires_payment_method" | "requires_action" | "canceled";
  client_secret?: string;
  payment_method?: string | null;
  setup_future_usage?: "on_session" | "off_session" | null;
  /** Set while `requires_action`: where the payer authenticates (3D Secure). */
  next_action?: NextAction | null;
  cancellation_reason?: "duplicate" | "fraudulent" | "requested_by_customer" | "abandoned" | "automatic" | null;
}

/** A PaymentIntent's `last_payment_error` (Stripe's error object; `payment_method` is a snapshot of the card tried). */
export interface PaymentError {
  type: "card_error" | "invalid_request_error";
  code: string;
  message: string;
  decline_code?: string;
  doc_url?: string;
  param?: string;
  payment_method?: PaymentMethod;
}

export type NextAction =
  | { type: "redirect_to_url"; redirect_to_url: { url: string; return_url: string } }
  | { type: "use_stripe_sdk"; use_stripe_sdk: { type: "three_d_secure_redirect"; stripe_js: string } };

export interface Charge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  billing_details: { email: string | null; name: string | null };
  captured: boolean;
  created: number;
  currency: string;
  customer: string | null;
  disputed: boolean;
  livemode: false;
  metadata: Metadata;
  paid: boolean;
  payment_intent: string;
  payment_method_details: { type: string; card?: { brand: string; last4: string } };
  receipt_email: string | null;
  refunded: boolean;
  status: "succeeded" | "failed";
  payment_method?: string | null;
}

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Metadata;
  payment_intent: string;
  reason: string | null;
  status: "succeeded";
}

export interface Dispute {
  id: string;
  object: "dispute";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  is_charge_refundable: boolean;
  livemode: false;
  metadata: Metadata;
  payment_intent: string;
  reason: string;
  status: DisputeStatus;
}

/** The dispute statuses the emulator produces (Stripe has more: warning_* for inquiries, under_review). */
export type DisputeStatus = "needs_response" | "won" | "lost";

export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

export interface StripeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: object; previous_attributes?: object };
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  type: string;
}

/** A card as entered on the hosted page (the emulator keeps no card number, only what Stripe shows of it). */
export interface PaymentMethod {
  id: string;
  object: "payment_method";
  allow_redisplay: "always" | "limited" | "unspecified";
  billing_details: { email: string | null; name: string | null };
  card: { brand: string; last4: string; exp_month: number; exp_year: number; fingerprint: string };
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Metadata;
  type: "card";
}

export interface SetupIntent {
  id: string;
  object: "setup_intent";
  client_secret: string;
  created: number;
  customer: string | null;
  description: string | null;
  livemode: false;
  metadata: Metadata;
  payment_method: string | null;
  payment_method_types: string[];
  status: "requires_payment_method" | "succeeded" | "canceled";
  usage: "on_session" | "off_session";
}

export interface InvoiceLine {
  id: string;
  object: "line_item";
  amount: number;
  currency: string;
  description: string;
  invoice: string;
  invoice_item: string;
  price: string;
  product: string;
  quantity: number;
  unit_amount: number;
}

/** The receipt-like invoice Checkout creates for a paid session with `invoice_creation[enabled]=true`. */
export interface Invoice {
  id: string;
  object: "invoice";
  created: number;
  currency: string;
  customer: string;
  customer_email: string | null;
  customer_name: string | null;
  lines: InvoiceLine[];
  metadata: Metadata;
  number: string;
  payment_intent: string;
  status: "paid";
  total: number;
}

export const productIdOf = (price: PriceConfig) => `prod_${price.id.replace(/^price_/, "")}`;

export function priceObject(price: PriceConfig) {
  return {
    id: price.id,
    object: "price" as const,
    active: true,
    billing_scheme: "per_unit" as const,
    created: 1700000000,
    currency: price.currency,
    livemode: false as const,
    lookup_key: null,
    metadata: {} as Metadata,
    nickname: null,
    product: productIdOf(price),
    recurring: null,
    tax_behavior: "unspecified" as const,
    type: "one_time" as const,
    unit_amount: price.unitAmount,
    unit_amount_decimal: String(price.unitAmount),
  };
}

export function productObject(price: PriceConfig) {
  return {
    id: productIdOf(price),
    object: "product" as const,
    active: true,
    created: 1700000000,
    default_price: price.id,
    description: null,
    livemode: false as const,
    metadata: {} as Metadata,
    name: price.productName,
    type: "service" as const,
  };
}

export function listObject<T>(url: string, data: T[], hasMore: boolean) {
  return { object: "list" as const, data, has_more: hasMore, url };
}
