import { behaviourOf, EXPIRED_CARD, isExpired } from "./cards";
import { emitEvent, type EmulatorContext } from "./context";
import { StripeHttpError, stripeErrors } from "./errors";
import { newId, nowSeconds } from "./ids";
import type { Metadata, PaymentError, PaymentIntent, PaymentMethod } from "./objects";
import { createCharge } from "./payments";
import { newClientSecret } from "./saved-cards";
import { present } from "./shapes";

/**
 * PaymentIntents made through the API (`POST /v1/payment_intents`), e.g. an off-session charge of a saved card, and
 * what confirming one does with Stripe's test cards: succeed, decline, or ask for 3D Secure (`requires_action` on
 * session, `authentication_required` off session), completed or failed on the emulator's authentication page.
 */

export interface CreateIntentInput {
  amount: number;
  currency: string;
  customer?: string;
  payment_method?: string;
  description?: string;
  metadata?: Metadata;
  receipt_email?: string;
  payment_method_types?: string[];
}

export interface ConfirmInput {
  payment_method?: string;
  off_session?: boolean;
  return_url?: string;
}

const CONFIRMABLE: PaymentIntent["status"][] = ["requires_payment_method", "requires_action"];
const CANCELABLE: PaymentIntent["status"][] = ["requires_payment_method", "requires_action", "processing"];

export function createPaymentIntent(ctx: EmulatorContext, input: CreateIntentInput): PaymentIntent {
  const id = newId("pi");
  const intent: PaymentIntent = {
    id,
    object: "payment_intent",
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer ?? null,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    payment_method_types: input.payment_method_types ?? ["card"],
    receipt_email: input.receipt_email ?? null,
    status: "requires_payment_method",
    client_secret: newClientSecret(id),
    payment_method: input.payment_method ?? null,
    setup_future_usage: null,
    next_action: null,
    cancellation_reason: null,
  };
  ctx.store.state.paymentIntents[id] = intent;
  return intent;
}

/** The card must exist and belong to the intent's customer, as Stripe checks before any attempt. */
export function usablePaymentMethod(ctx: EmulatorContext, customer: string | null, id: string): PaymentMethod {
  const method = ctx.store.state.paymentMethods[id];
  if (!method) throw stripeErrors.noSuch("PaymentMethod", id, "payment_method");
  if (!method.customer) {
    throw stripeErrors.invalid(
      "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.",
      { param: "payment_method" },
    );
  }
  if (method.customer !== customer) {
    throw stripeErrors.invalid(
      customer
        ? `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`
        : `The provided PaymentMethod ${id} is attached to a Customer: pass that \`customer\` to use it.`,
      { param: "payment_method", code: "resource_missing" },
    );
  }
  return method;
}

function unexpectedState(intent: PaymentIntent, verb: "confirm" | "cancel", allowed: string[]): StripeHttpError {
  return stripeErrors.invalid(
    `You cannot ${verb} this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be ${verb === "confirm" ? "confirmed" : "canceled"}: ${allowed.join(", ")}.`,
    { code: "payment_intent_unexpected_state" },
  );
}

const authUrl = (ctx: EmulatorContext, intent: PaymentIntent) =>
  `${ctx.publicUrl}/3ds/authenticate/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret ?? "")}`;

function charge(ctx: EmulatorContext, intent: PaymentIntent, method: PaymentMethod): PaymentIntent {
  intent.payment_method = method.id;
  intent.last_payment_error = null;
  intent.next_action = null;
  const made = createCharge(
    ctx,
    intent,
    { email: method.billing_details.email, name: method.billing_details.name },
    { type: "card", card: { brand: method.card.brand, last4: method.card.last4 } },
  );
  emitEvent(ctx, "charge.succeeded", made);
  emitEvent(ctx, "payment_intent.succeeded", intent);
  return intent;
}

/** The attempt failed: Stripe leaves the intent in requires_payment_method with the error, and answers 402. */
function fail(ctx: EmulatorContext, intent: PaymentIntent, method: PaymentMethod, error: PaymentError): never {
  intent.status = "requires_payment_method";
  intent.payment_method = null;
  intent.next_action = null;
  intent.last_payment_error = { ...error, payment_method: structuredClone(method) };
  emitEvent(ctx, "payment_intent.payment_failed", intent);
  ctx.store.save();
  throw new StripeHttpError(402, {
    type: "card_error",
    code: error.code,
    message: error.message,
    ...(error.param ? { param: error.param } : {}),
    ...(error.decline_code ? { decline_code: error.decline_code } : {}),
    ...(error.doc_url ? { doc_url: error.doc_url } : {}),
    payment_intent: present(ctx, intent),
    payment_method: present(ctx, method),
  });
}

export function confirmPaymentIntent(ctx: EmulatorContext, intent: PaymentIntent, input: ConfirmInput): PaymentIntent {
  if (!CONFIRMABLE.includes(intent.status)) throw unexpectedState(intent, "confirm", CONFIRMABLE);
  const methodId = input.payment_method ?? intent.payment_method;
  if (!methodId) {
    throw stripeErrors.invalid(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, provide `payment_method`.",
      { code: "payment_intent_unexpected_state" },
    );
  }
  const method = usablePaymentMethod(ctx, intent.customer, methodId);
  const behaviour = behaviourOf(method.card.fingerprint);
  intent.payment_method = method.id;

  // The issuer declines a card past its expiry month before anything else (a saved card is not updated here).
  if (isExpired(method.card)) {
    fail(ctx, intent, method, {
      type: "card_error",
      code: EXPIRED_CARD.code,
      decline_code: EXPIRED_CARD.declineCode,
      message: EXPIRED_CARD.message,
      param: "exp_month",
      doc_url: "https://docs.stripe.com/error-codes/expired-card",
    });
  }

  // 3D Secure: asked on session for cards that need it; off session, a card saved for future use is exempt unless it
  // always asks (Stripe's 4000 0027 6000 3184).
  const needsAuth = input.off_session ? behaviour.authentication === "always" : behaviour.authentication !== undefined;
  if (needsAuth && input.off_session) {
    fail(ctx, intent, method, {
      type: "card_error",
      code: "authentication_required",
      decline_code: "authentication_required",
      message: "Your card was declined. This transaction requires authentication.",
      doc_url: "https://docs.stripe.com/error-codes/authentication-required",
    });
  }
  if (needsAuth) {
    intent.status = "requires_action";
    intent.last_payment_error = null;
    intent.next_action = input.return_url
      ? { type: "redirect_to_url", redirect_to_url: { url: authUrl(ctx, intent), return_url: input.return_url } }
      : {
          type: "use_stripe_sdk",
          use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: authUrl(ctx, intent) },
        };
    emitEvent(ctx, "payment_intent.requires_action", intent);
    ctx.store.save();
    return intent;
  }
  if (behaviour.decline) {
    fail(ctx, intent, method, {
      type: "card_error",
      code: behaviour.decline.code,
      decline_code: behaviour.decline.declineCode,
      message: behaviour.decline.message,
      doc_url: `https://docs.stripe.com/error-codes/${behaviour.decline.code.replaceAll("_", "-")}`,
    });
  }
  charge(ctx, intent, method);
  ctx.store.save();
  return intent;
}

/** The payer's answer on the authentication page. */
export function finishAuthentication(ctx: EmulatorContext, intent: PaymentIntent, succeeded: boolean): PaymentIntent {
  if (intent.status !== "requires_action") throw unexpectedState(intent, "confirm", ["requires_action"]);
  const method = intent.payment_method ? ctx.store.state.paymentMethods[intent.payment_method] : undefined;
  if (!method) throw stripeErrors.invalid("This PaymentIntent has no payment method to authenticate.");
  if (succeeded) {
    const { decline } = behaviourOf(method.card.fingerprint);
    if (!decline) {
      charge(ctx, intent, method);
      ctx.store.save();
      return intent;
    }
  }
  intent.status = "requires_payment_method";
  intent.payment_method = null;
  intent.next_action = null;
  intent.last_payment_error = {
    type: "invalid_request_error",
    code: "payment_intent_authentication_failure",
    message:
      "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
    doc_url: "https://docs.stripe.com/error-codes/payment-intent-authentication-failure",
    payment_method: structuredClone(method),
  };
  emitEvent(ctx, "payment_intent.payment_failed", intent);
  ctx.store.save();
  return intent;
}

export function cancelPaymentIntent(
  ctx: EmulatorContext,
  intent: PaymentIntent,
  reason?: NonNullable<PaymentIntent["cancellation_reason"]>,
): PaymentIntent {
  if (!CANCELABLE.includes(intent.status)) throw unexpectedState(intent, "cancel", CANCELABLE);
  if (Object.values(ctx.store.state.sessions).some((session) => session.payment_intent === intent.id)) {
    throw stripeErrors.invalid(
      "This PaymentIntent was created by a Checkout Session; expire the Checkout Session instead.",
      { code: "payment_intent_unexpected_state" },
    );
  }
  intent.status = "canceled";
  intent.canceled_at = nowSeconds();
  intent.cancellation_reason = reason ?? null;
  intent.next_action = null;
  emitEvent(ctx, "payment_intent.canceled", intent);
  ctx.store.save();
  return intent;
}
