/**
 * Routes a verified Stripe event to the billing domain and records its id. The StripeEvent
 * table only saves work on duplicate deliveries; correctness rests on the ledger's unique refs.
 * A thrown error means "not processed": the route answers 5xx and Stripe retries.
 *
 * A valid signature proves only that the sender holds the signing secret. Whatever moves
 * credits (a completed session, a refund, a dispute) is therefore read back from Stripe first
 * and decided on Stripe's answer; events from the other mode (live vs test) are refused outright.
 */
import type Stripe from "stripe";

import { Prisma, type Purchase } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { fulfilAutoTopUp } from "./auto-top-up/fulfil";
import { retrieveTopUpIntent } from "./auto-top-up/intents";
import { fulfilByPaymentIntent } from "./catch-up-purchase";
import { applyDispute } from "./disputes";
import { recordEvent } from "./event-records";
import { creditedForGood, fulfilCheckoutSession, idOf, type FulfilResult } from "./fulfil-checkout-session";
import type { Pack } from "./packs";
import { markPendingPurchase } from "./purchase-status";
import { applyChargeRefund } from "./refunds";
import { retrieveCharge, retrieveCheckoutSession, retrieveDispute } from "./stripe-records";

export interface StripeEventResult {
  outcome: string;
  duplicate: boolean;
}

export interface StripeEventOptions {
  /** Asked for Stripe's own record of sessions and disputes, and for a purchase a refund or dispute overtook. */
  stripe: () => Stripe;
  /** The mode of the configured key (sk_live_ → true); events of the other mode are refused. */
  livemode: boolean;
  packs?: Pack[];
}

function fulfilOutcome(result: FulfilResult): string {
  return result.kind === "refused" ? `refused:${result.reason}` : result.kind;
}

function refused(event: Stripe.Event, reason: string): string {
  const objectId = (event.data.object as { id?: unknown }).id;
  logEvent(
    "stripe_event_refused",
    { eventId: event.id, type: event.type, objectId: typeof objectId === "string" ? objectId : null, reason },
    "warn",
  );
  return `refused:${reason}`;
}

function objectIdOf(event: Stripe.Event): string | null {
  const id = (event.data.object as { id?: unknown }).id;
  return typeof id === "string" && id.length > 0 && id.length <= 255 ? id : null;
}

async function markSession(db: Db, event: Stripe.Event, status: "failed" | "expired"): Promise<string> {
  const sessionId = objectIdOf(event);
  if (!sessionId) return refused(event, "invalid_object");
  // Trusted from the event: it only marks a pending purchase, and Stripe's "paid" still wins later.
  return (await markPendingPurchase(db, sessionId, status)) ? status : "unchanged";
}

async function afterCatchUp<T extends string>(
  db: Db,
  paymentIntent: string | Stripe.PaymentIntent | null,
  apply: () => Promise<T | "no_purchase">,
  { packs, stripe }: StripeEventOptions,
): Promise<T | "no_purchase"> {
  const outcome = await apply();
  const paymentIntentId = idOf(paymentIntent);
  if (outcome !== "no_purchase" || !paymentIntentId) return outcome;
  return (await fulfilByPaymentIntent(db, stripe(), paymentIntentId, packs)) ? apply() : outcome;
}

/** What a delivery reads first: the outcome recorded for its event id, and a checkout event's purchase. */
interface FirstRead {
  seen: { outcome: string } | null;
  /** The session's purchase, read only for the events that fulfil a session; null for the rest, or none. */
  purchase: Purchase | null;
}

/** The events that credit a paid Checkout Session. */
const FULFILLING_TYPES = new Set<string>(["checkout.session.completed", "checkout.session.async_payment_succeeded"]);

// Sent straight to the driver: every delivery of a storm pays for this read, every new event for the record too.
// A checkout event's purchase (read without a lock: its sale never changes) comes in the same statement:
// the round trip it saves is a storm's most common one after the lookup itself.
async function firstRead(db: Db, event: Stripe.Event): Promise<FirstRead> {
  const sessionId = FULFILLING_TYPES.has(event.type) ? objectIdOf(event) : null;
  if (!sessionId) {
    const [row] = await driverRows<{ outcome: string }>(
      db,
      Prisma.sql`SELECT outcome FROM "StripeEvent" WHERE id = ${event.id}`,
    );
    return { seen: row ?? null, purchase: null };
  }
  const [row] = await driverRows<Purchase & { seenOutcome: string | null }>(
    db,
    Prisma.sql`SELECT (SELECT outcome FROM "StripeEvent" WHERE id = ${event.id}) AS "seenOutcome", p.*
                 FROM (SELECT 1) AS one LEFT JOIN "Purchase" p ON p.id = ${sessionId}`,
  );
  const { seenOutcome, ...purchase } = row!;
  return {
    seen: seenOutcome === null ? null : { outcome: seenOutcome },
    purchase: purchase.id === null ? null : purchase,
  };
}

/** `recorded`: the session's purchase, read with the event-id lookup (null: none); one credited for good needs no Stripe read. */
async function fulfilFromStripe(
  db: Db,
  event: Stripe.Event,
  recorded: Purchase | null,
  options: StripeEventOptions,
): Promise<string> {
  const sessionId = objectIdOf(event);
  if (!sessionId) return refused(event, "invalid_object");
  if (recorded && creditedForGood(recorded)) return "already_credited" satisfies FulfilResult["kind"];
  const session = await retrieveCheckoutSession(options.stripe(), sessionId);
  if (!session) return refused(event, "unknown_session");
  return fulfilOutcome(await fulfilCheckoutSession(db, session, options.packs, recorded));
}

async function refundFromStripe(db: Db, event: Stripe.Event, options: StripeEventOptions): Promise<string> {
  const chargeId = objectIdOf(event);
  if (!chargeId) return refused(event, "invalid_object");
  // Stripe's current amount_refunded: cumulative, so any delivery order converges (see refunds.ts).
  const charge = await retrieveCharge(options.stripe(), chargeId);
  if (!charge) return refused(event, "unknown_charge");
  return afterCatchUp(db, charge.payment_intent, () => applyChargeRefund(db, charge), options);
}

async function disputeFromStripe(db: Db, event: Stripe.Event, options: StripeEventOptions): Promise<string> {
  const disputeId = objectIdOf(event);
  if (!disputeId) return refused(event, "invalid_object");
  const dispute = await retrieveDispute(options.stripe(), disputeId);
  if (!dispute) return refused(event, "unknown_dispute");
  return afterCatchUp(db, dispute.payment_intent, () => applyDispute(db, dispute), options);
}

/** An auto top-up's PaymentIntent event: Stripe's own record of the intent decides (fulfil.ts checks it is ours). */
async function topUpFromStripe(db: Db, event: Stripe.Event, options: StripeEventOptions): Promise<string> {
  const intentId = objectIdOf(event);
  if (!intentId) return refused(event, "invalid_object");
  const intent = await retrieveTopUpIntent(options.stripe(), intentId);
  if (!intent) return refused(event, "unknown_payment_intent");
  // Checkout's own PaymentIntents are fulfilled through their session's events.
  if (intent.metadata?.kind !== "auto_top_up") return "ignored";
  const result = await fulfilAutoTopUp(db, intent);
  return result.kind === "refused" ? `refused:${result.reason}` : result.kind;
}

async function dispatch(db: Db, event: Stripe.Event, first: FirstRead, options: StripeEventOptions): Promise<string> {
  if (event.livemode !== options.livemode) return refused(event, "livemode_mismatch");
  if (FULFILLING_TYPES.has(event.type)) return fulfilFromStripe(db, event, first.purchase, options);
  switch (event.type) {
    case "checkout.session.async_payment_failed":
      return markSession(db, event, "failed");
    case "checkout.session.expired":
      return markSession(db, event, "expired");
    case "charge.refunded":
      return refundFromStripe(db, event, options);
    case "charge.dispute.created":
    case "charge.dispute.funds_withdrawn":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
    case "charge.dispute.funds_reinstated":
      return disputeFromStripe(db, event, options);
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.requires_action":
    case "payment_intent.canceled":
      return topUpFromStripe(db, event, options);
    default:
      return "ignored";
  }
}

export async function handleStripeEvent(
  db: Db,
  event: Stripe.Event,
  options: StripeEventOptions,
): Promise<StripeEventResult> {
  const first = await firstRead(db, event);
  const { seen } = first;
  if (seen) {
    logEvent("stripe_event", { eventId: event.id, type: event.type, outcome: seen.outcome, duplicate: true });
    return { outcome: seen.outcome, duplicate: true };
  }
  const outcome = await dispatch(db, event, first, options);
  await recordEvent(db, { id: event.id, type: event.type, outcome });
  logEvent("stripe_event", { eventId: event.id, type: event.type, objectId: objectIdOf(event), outcome });
  return { outcome, duplicate: false };
}
