import type { EmulatorContext } from "../context";
import type {
  Charge,
  CheckoutSession,
  Customer,
  Dispute,
  Invoice,
  LineItem,
  PaymentIntent,
  PaymentMethod,
  Refund,
  SetupIntent,
} from "../objects";
import { lineItemShape, priceShape, productShape } from "./catalog";
import { chargeShape } from "./charge";
import { checkoutSessionShape } from "./checkout-session";
import { customerShape } from "./customer";
import { disputeShape } from "./dispute";
import { invoiceShape } from "./invoice";
import { paymentIntentShape } from "./payment-intent";
import { paymentMethodShape, setupIntentShape } from "./payment-method";
import { refundShape } from "./refund";

/**
 * The emulator stores only what it acts on; Stripe's objects carry many more fields. Every object leaving the emulator
 * (API answers and event snapshots) is shaped here into the full Stripe object, by its `object` value, at any depth.
 */
type Shaper = (ctx: EmulatorContext, value: never) => object;

const SHAPERS: Record<string, Shaper> = {
  customer: (ctx, value: Customer) => customerShape(ctx, value),
  price: (_ctx, value: { object: "price" }) => priceShape(value),
  product: (_ctx, value: { object: "product"; created: number }) => productShape(value),
  item: (_ctx, value: LineItem) => lineItemShape(value),
  "checkout.session": (_ctx, value: CheckoutSession) => checkoutSessionShape(value),
  payment_intent: (_ctx, value: PaymentIntent) => paymentIntentShape(value),
  charge: (ctx, value: Charge) => chargeShape(ctx, value),
  refund: (ctx, value: Refund) => refundShape(ctx, value),
  dispute: (ctx, value: Dispute) => disputeShape(ctx, value),
  payment_method: (_ctx, value: PaymentMethod) => paymentMethodShape(value),
  setup_intent: (_ctx, value: SetupIntent) => setupIntentShape(value),
  invoice: (ctx, value: Invoice) => invoiceShape(ctx, value),
};

/** A new JSON value: stored records are never handed out (an event snapshot must not change with the record). */
export function present(ctx: EmulatorContext, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => present(ctx, item));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  // An event's data.object was shaped when the event was emitted.
  if (record.object === "event") return structuredClone(record);
  const shaper = typeof record.object === "string" ? SHAPERS[record.object] : undefined;
  const shaped = (shaper ? shaper(ctx, record as never) : record) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(shaped).map(([key, inner]) => [
      key,
      key === "metadata" ? structuredClone(inner) : present(ctx, inner),
    ]),
  );
}
