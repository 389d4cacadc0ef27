import { randomBytes } from "node:crypto";

import { cardFingerprint } from "./cards";
import { emitEvent, type EmulatorContext } from "./context";
import { stripeErrors } from "./errors";
import { newId, nowSeconds } from "./ids";
import type { Customer, PaymentMethod, SetupIntent } from "./objects";

/** Cards as payment methods: one per card payment, kept on a customer when saved (setup_future_usage, setup mode). */

export interface CardInput {
  brand: string;
  last4: string;
  /** The number as entered, only to derive the fingerprint (same card → same fingerprint); never stored. */
  number: string;
  /** "MM / YY" as entered on the hosted page, if any. */
  expiry?: string;
  email: string | null;
  name: string | null;
}

/** Stripe's client secrets: `<intent id>_secret_<random>`, what a page holding no API key confirms an intent with. */
export const newClientSecret = (intentId: string) =>
  `${intentId}_secret_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`;

function parseExpiry(expiry: string | undefined, now: Date): { month: number; year: number } {
  const match = expiry ? /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(expiry.trim()) : null;
  if (!match) return { month: 12, year: now.getUTCFullYear() + 3 };
  const year = Number(match[2]);
  return { month: Number(match[1]), year: year < 100 ? 2000 + year : year };
}

export function createCardPaymentMethod(ctx: EmulatorContext, card: CardInput): PaymentMethod {
  const { month, year } = parseExpiry(card.expiry, new Date());
  const method: PaymentMethod = {
    id: newId("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: { email: card.email, name: card.name },
    card: {
      brand: card.brand,
      last4: card.last4,
      exp_month: month,
      exp_year: year,
      fingerprint: cardFingerprint(card.number),
    },
    created: nowSeconds(),
    customer: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
  ctx.store.state.paymentMethods[method.id] = method;
  return method;
}

/** Test control: the card's expiry becomes last month, so charging it is declined `expired_card` (as Stripe). */
export function expireCard(ctx: EmulatorContext, method: PaymentMethod, now = new Date()): PaymentMethod {
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  method.card.exp_month = lastMonth.getUTCMonth() + 1;
  method.card.exp_year = lastMonth.getUTCFullYear();
  ctx.store.save();
  return method;
}

export function attachPaymentMethod(ctx: EmulatorContext, method: PaymentMethod, customerId: string): void {
  method.customer = customerId;
  method.allow_redisplay = "limited";
  emitEvent(ctx, "payment_method.attached", method);
}

export function detachPaymentMethod(ctx: EmulatorContext, method: PaymentMethod): PaymentMethod {
  if (!method.customer) {
    throw stripeErrors.invalid(
      `The payment method you provided is not attached to a customer so detachment is impossible.`,
      { code: "payment_method_unexpected_state" },
    );
  }
  const previous = { customer: method.customer };
  method.customer = null;
  emitEvent(ctx, "payment_method.detached", method, { previous });
  ctx.store.save();
  return method;
}

/** Builds and stores a customer; the one shape for the API's create and Checkout's. */
export function storeCustomer(
  ctx: EmulatorContext,
  fields: Partial<Pick<Customer, "description" | "email" | "metadata" | "name" | "phone">>,
): Customer {
  const customer: Customer = {
    id: newId("cus", 14),
    object: "customer",
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    description: fields.description ?? null,
    email: fields.email ?? null,
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    phone: fields.phone ?? null,
  };
  ctx.store.state.customers[customer.id] = customer;
  return customer;
}

/** The customer Checkout creates when a card is to be saved for a buyer who has none yet. */
export function customerFor(ctx: EmulatorContext, email: string | null, name: string | null): Customer {
  const customer = storeCustomer(ctx, { email, name });
  emitEvent(ctx, "customer.created", customer);
  return customer;
}

export function createSetupIntent(
  ctx: EmulatorContext,
  input: {
    customer: string | null;
    description?: string;
    metadata?: Record<string, string>;
    usage?: SetupIntent["usage"];
  },
): SetupIntent {
  const id = newId("seti");
  const intent: SetupIntent = {
    id,
    object: "setup_intent",
    client_secret: newClientSecret(id),
    created: nowSeconds(),
    customer: input.customer,
    description: input.description ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    payment_method: null,
    payment_method_types: ["card"],
    status: "requires_payment_method",
    usage: input.usage ?? "off_session",
  };
  ctx.store.state.setupIntents[id] = intent;
  emitEvent(ctx, "setup_intent.created", intent);
  return intent;
}

/** A card was set up on the intent: it is attached to the intent's customer (if any) and the intent succeeds. */
export function succeedSetupIntent(ctx: EmulatorContext, intent: SetupIntent, method: PaymentMethod): SetupIntent {
  if (intent.status !== "requires_payment_method")
    throw stripeErrors.invalid(`This SetupIntent is in status ${intent.status} and cannot be confirmed.`, {
      code: "setup_intent_unexpected_state",
    });
  intent.payment_method = method.id;
  intent.status = "succeeded";
  if (intent.customer) attachPaymentMethod(ctx, method, intent.customer);
  emitEvent(ctx, "setup_intent.succeeded", intent);
  ctx.store.save();
  return intent;
}
