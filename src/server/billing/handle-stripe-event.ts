/**
 * Routes a verified Stripe event to the billing domain and records its id. The StripeEvent
 * table only saves work on duplicate deliveries; correctness rests on the ledger's unique refs.
 * A thrown error means "not processed": the route answers 5xx and Stripe retries.
 */
import type Stripe from "stripe";

import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { fulfilByPaymentIntent } from "./catch-up-purchase";
import { fulfilCheckoutSession, idOf, type FulfilResult } from "./fulfil-checkout-session";
import type { Pack } from "./packs";
import { applyChargeRefund, applyDispute, type ClawbackOutcome } from "./refunds";

export interface StripeEventResult {
  outcome: string;
  duplicate: boolean;
}

export interface StripeEventOptions {
  packs?: Pack[];
  /** Lets a refund or dispute that overtook its purchase fulfil that purchase first (see catch-up-purchase.ts). */
  stripe?: () => Stripe;
}

function fulfilOutcome(result: FulfilResult): string {
  return result.kind === "refused" ? `refused:${result.reason}` : result.kind;
}

async function markSession(db: Db, sessionId: string, status: "failed" | "expired"): Promise<string> {
  const { count } = await db.purchase.updateMany({ where: { id: sessionId, status: "pending" }, data: { status } });
  return count > 0 ? status : "unchanged";
}

async function clawbackAfterCatchUp(
  db: Db,
  paymentIntent: string | Stripe.PaymentIntent | null,
  apply: () => Promise<ClawbackOutcome>,
  { packs, stripe }: StripeEventOptions,
): Promise<ClawbackOutcome> {
  const outcome = await apply();
  const paymentIntentId = idOf(paymentIntent);
  if (outcome !== "no_purchase" || !paymentIntentId || !stripe) return outcome;
  return (await fulfilByPaymentIntent(db, stripe(), paymentIntentId, packs)) ? apply() : outcome;
}

async function dispatch(db: Db, event: Stripe.Event, options: StripeEventOptions): Promise<string> {
  const { packs } = options;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return fulfilOutcome(await fulfilCheckoutSession(db, event.data.object, packs));
    case "checkout.session.async_payment_failed":
      return markSession(db, event.data.object.id, "failed");
    case "checkout.session.expired":
      return markSession(db, event.data.object.id, "expired");
    case "charge.refunded": {
      const charge = event.data.object;
      return clawbackAfterCatchUp(db, charge.payment_intent, () => applyChargeRefund(db, charge), options);
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      return clawbackAfterCatchUp(db, dispute.payment_intent, () => applyDispute(db, dispute), options);
    }
    default:
      return "ignored";
  }
}

export async function handleStripeEvent(db: Db, event: Stripe.Event, options: StripeEventOptions = {}): Promise<StripeEventResult> {
  const seen = await db.stripeEvent.findUnique({ where: { id: event.id }, select: { outcome: true } });
  if (seen) {
    logEvent("stripe_event", { eventId: event.id, type: event.type, outcome: seen.outcome, duplicate: true });
    return { outcome: seen.outcome, duplicate: true };
  }
  const outcome = await dispatch(db, event, options);
  await db.stripeEvent.createMany({ data: [{ id: event.id, type: event.type, outcome }], skipDuplicates: true });
  const objectId = (event.data.object as { id?: unknown }).id;
  logEvent("stripe_event", { eventId: event.id, type: event.type, objectId: typeof objectId === "string" ? objectId : null, outcome });
  return { outcome, duplicate: false };
}
