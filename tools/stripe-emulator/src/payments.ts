import { chargeCard, needsAuthentication, setupCard, type CardDecline, type CardResult } from "./cards";
import { emitEvent, type EmulatorContext } from "./context";
import { stripeErrors } from "./errors";
import { newId, nowSeconds } from "./ids";
import { createInvoiceForSession } from "./invoices";
import type {
  Charge,
  CheckoutSession,
  Dispute,
  EventRequest,
  Metadata,
  PaymentIntent,
  PaymentMethod,
  Refund,
} from "./objects";
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  createSetupIntent,
  customerFor,
  newClientSecret,
  succeedSetupIntent,
} from "./saved-cards";

/** What happens to money: paying a session (card or delayed), settling, expiring, refunding, disputing. */

export interface PayInput {
  card?: string;
  /** "MM / YY" as entered (the saved card's expiry). */
  expiry?: string;
  email?: string;
  name?: string;
  delayed?: boolean;
  /**
   * The payer's answer to 3D Secure for a card that asks for it (3155, 3184, 3220). Without "complete" such a card
   * is not charged or saved: Checkout only goes on once the payer has authenticated.
   */
  authentication?: "complete" | "fail";
}

/** What Checkout shows when the payer fails 3D Secure (the intent's `payment_intent_authentication_failure`). */
export const AUTHENTICATION_FAILED: CardDecline = {
  ok: false,
  code: "payment_intent_authentication_failure",
  message: "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
  field: "cardNumber",
};

export type PayResult =
  { ok: true; session: CheckoutSession } | { ok: false; error: Extract<CardResult, { ok: false }> };

export function expireIfDue(ctx: EmulatorContext, session: CheckoutSession): CheckoutSession {
  if (session.status === "open" && nowSeconds() >= session.expires_at) expireSession(ctx, session);
  return session;
}

export function expireSession(ctx: EmulatorContext, session: CheckoutSession): CheckoutSession {
  if (session.status !== "open") {
    throw stripeErrors.invalid(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
    );
  }
  session.status = "expired";
  session.url = null;
  emitEvent(ctx, "checkout.session.expired", session);
  ctx.store.save();
  return session;
}

function assertOpen(ctx: EmulatorContext, session: CheckoutSession): void {
  expireIfDue(ctx, session);
  if (session.status !== "open") {
    throw stripeErrors.invalid(`This Checkout Session is no longer active (status "${session.status}").`, {
      code: "checkout_session_inactive",
    });
  }
}

/** Who paid, as the charge records it (Checkout's customer details, or the saved card's billing details). */
export interface Payer {
  email: string | null;
  name: string | null;
}

export const payerOfSession = (session: CheckoutSession): Payer => ({
  email: session.customer_details?.email ?? null,
  name: session.customer_details?.name ?? null,
});

export function createCharge(
  ctx: EmulatorContext,
  intent: PaymentIntent,
  payer: Payer,
  method: Charge["payment_method_details"],
): Charge {
  const charge: Charge = {
    id: newId("ch"),
    object: "charge",
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    billing_details: { email: payer.email, name: payer.name },
    captured: true,
    created: nowSeconds(),
    currency: intent.currency,
    customer: intent.customer,
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: intent.id,
    payment_method_details: method,
    receipt_email: intent.receipt_email ?? payer.email,
    refunded: false,
    status: "succeeded",
    payment_method: intent.payment_method ?? null,
  };
  ctx.store.state.charges[charge.id] = charge;
  intent.latest_charge = charge.id;
  intent.amount_received = intent.amount;
  intent.status = "succeeded";
  return charge;
}

export function paySession(ctx: EmulatorContext, session: CheckoutSession, input: PayInput): PayResult {
  assertOpen(ctx, session);
  let card: Extract<CardResult, { ok: true }> | undefined;
  if (!input.delayed || session.mode === "setup") {
    const number = input.card ?? DEFAULT_CARD;
    const result = session.mode === "setup" ? setupCard(number) : chargeCard(number);
    if (!result.ok) return { ok: false, error: result };
    if (needsAuthentication(number) && input.authentication !== "complete")
      return { ok: false, error: AUTHENTICATION_FAILED };
    card = result;
  }
  const customerEmail = session.customer ? (ctx.store.state.customers[session.customer]?.email ?? null) : null;
  session.customer_details = {
    address: null,
    email: session.customer_email ?? customerEmail ?? input.email ?? null,
    name: input.name ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  const email = session.customer_details.email;
  const method = card
    ? createCardPaymentMethod(ctx, {
        ...card,
        number: input.card ?? DEFAULT_CARD,
        expiry: input.expiry,
        email,
        name: input.name ?? null,
      })
    : null;
  // A saved card or an invoice needs a customer: Checkout creates one when the session has none.
  if (
    (session.mode === "setup" || session.setup_future_usage || session.invoice_creation_enabled) &&
    !session.customer
  ) {
    session.customer = customerFor(ctx, email, input.name ?? null).id;
  }
  if (session.mode === "setup" && method) return completeSetup(ctx, session, method);
  const intentId = newId("pi");
  const intent: PaymentIntent = {
    id: intentId,
    object: "payment_intent",
    amount: session.amount_total ?? 0,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    created: nowSeconds(),
    currency: session.currency ?? "usd",
    customer: session.customer,
    description: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: {},
    payment_method_types: card ? ["card"] : ["customer_balance"],
    receipt_email: session.customer_details.email,
    status: "processing",
    client_secret: newClientSecret(intentId),
    payment_method: method?.id ?? null,
    setup_future_usage: session.setup_future_usage ?? null,
  };
  ctx.store.state.paymentIntents[intent.id] = intent;
  if (method && session.setup_future_usage && session.customer) attachPaymentMethod(ctx, method, session.customer);
  session.payment_intent = intent.id;
  session.status = "complete";
  session.url = null;
  if (card) {
    const charge = createCharge(ctx, intent, payerOfSession(session), {
      type: "card",
      card: { brand: card.brand, last4: card.last4 },
    });
    session.payment_status = "paid";
    emitEvent(ctx, "charge.succeeded", charge);
    emitEvent(ctx, "payment_intent.succeeded", intent);
    createInvoiceForSession(ctx, session, intent);
  } else {
    emitEvent(ctx, "payment_intent.processing", intent);
  }
  emitEvent(ctx, "checkout.session.completed", session);
  ctx.store.save();
  return { ok: true, session };
}

const DEFAULT_CARD = "4242 4242 4242 4242";

/** A setup-mode session: the card is saved through a SetupIntent, nothing is charged. */
function completeSetup(ctx: EmulatorContext, session: CheckoutSession, method: PaymentMethod): PayResult {
  const intent = createSetupIntent(ctx, { customer: session.customer });
  session.setup_intent = intent.id;
  succeedSetupIntent(ctx, intent, method);
  session.status = "complete";
  session.payment_status = "no_payment_required";
  session.url = null;
  emitEvent(ctx, "checkout.session.completed", session);
  ctx.store.save();
  return { ok: true, session };
}

/** Settles a delayed payment: the bank transfer arrived (succeeded) or bounced. */
export function settleDelayedPayment(
  ctx: EmulatorContext,
  session: CheckoutSession,
  succeeded: boolean,
): CheckoutSession {
  const intent = session.payment_intent ? ctx.store.state.paymentIntents[session.payment_intent] : undefined;
  if (session.status !== "complete" || session.payment_status !== "unpaid" || intent?.status !== "processing") {
    throw stripeErrors.invalid("This Checkout Session has no delayed payment waiting to be settled.");
  }
  if (succeeded) {
    const charge = createCharge(ctx, intent, payerOfSession(session), { type: "customer_balance" });
    session.payment_status = "paid";
    emitEvent(ctx, "charge.succeeded", charge);
    emitEvent(ctx, "payment_intent.succeeded", intent);
    createInvoiceForSession(ctx, session, intent);
    emitEvent(ctx, "checkout.session.async_payment_succeeded", session);
  } else {
    intent.status = "requires_payment_method";
    intent.last_payment_error = {
      type: "card_error",
      code: "payment_method_provider_decline",
      message: "The bank transfer failed.",
    };
    emitEvent(ctx, "payment_intent.payment_failed", intent);
    emitEvent(ctx, "checkout.session.async_payment_failed", session);
  }
  ctx.store.save();
  return session;
}

const money = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);

export function createRefund(
  ctx: EmulatorContext,
  charge: Charge,
  input: { amount?: number; reason?: string; metadata?: Metadata },
  request: EventRequest,
): Refund {
  const refundable = charge.amount - charge.amount_refunded;
  if (refundable <= 0)
    throw stripeErrors.invalid(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
  const amount = input.amount ?? refundable;
  if (amount > refundable) {
    throw stripeErrors.invalid(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(refundable, charge.currency)})`,
      { param: "amount" },
    );
  }
  const refund: Refund = {
    id: newId("re"),
    object: "refund",
    amount,
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    metadata: input.metadata ?? {},
    payment_intent: charge.payment_intent,
    reason: input.reason ?? null,
    status: "succeeded",
  };
  ctx.store.state.refunds[refund.id] = refund;
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  emitEvent(ctx, "refund.created", refund, { request });
  emitEvent(ctx, "charge.refunded", charge, { previous, request });
  ctx.store.save();
  return refund;
}

export function createDispute(ctx: EmulatorContext, charge: Charge, amount?: number, reason = "fraudulent"): Dispute {
  if (charge.disputed) throw stripeErrors.invalid(`Charge ${charge.id} is already disputed.`);
  const dispute: Dispute = {
    id: newId("dp"),
    object: "dispute",
    amount: amount ?? charge.amount - charge.amount_refunded,
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: "needs_response",
  };
  if (dispute.amount <= 0 || dispute.amount > charge.amount)
    throw stripeErrors.invalidParam("amount", "Dispute amount must be between 1 and the charge amount.");
  ctx.store.state.disputes[dispute.id] = dispute;
  charge.disputed = true;
  // As Stripe: the disputed amount (and fee) leaves the balance as soon as the dispute opens.
  emitEvent(ctx, "charge.dispute.created", dispute);
  emitEvent(ctx, "charge.dispute.funds_withdrawn", dispute);
  ctx.store.save();
  return dispute;
}

/** Closes an open dispute. Won: `charge.dispute.closed` then `charge.dispute.funds_reinstated`; lost: only closed. */
export function closeDispute(ctx: EmulatorContext, dispute: Dispute, outcome: "won" | "lost"): Dispute {
  if (dispute.status === "won" || dispute.status === "lost")
    throw stripeErrors.invalid(`Dispute ${dispute.id} is already closed (${dispute.status}).`);
  const previous = { status: dispute.status };
  dispute.status = outcome;
  emitEvent(ctx, "charge.dispute.closed", dispute, { previous });
  if (outcome === "won") emitEvent(ctx, "charge.dispute.funds_reinstated", dispute);
  ctx.store.save();
  return dispute;
}
