/**
 * Charging a top-up: one off-session PaymentIntent on the saved card, created with the
 * Idempotency-Key stored on the purchase (derived from its trigger). A retry — the SDK's own, the
 * retry job's after a crash, a second kick — sends the same key and the same parameters, so
 * Stripe answers with the same PaymentIntent and never charges twice. Runs outside any
 * transaction; what Stripe answers goes through fulfilAutoTopUp like every other path.
 */
import Stripe from "stripe";

import type { Purchase } from "~/generated/prisma/client";
import type { Db } from "~/server/db";

import { isMissingAtStripe } from "../stripe-records";
import { failTopUp } from "./failure";
import { fulfilAutoTopUp, type AutoTopUpOutcome } from "./fulfil";
import { retrieveTopUpIntent, TOP_UP_INTENT_EXPAND } from "./intents";

interface Deps {
  db: Db;
  stripe: Stripe;
}

/** The PaymentIntent's parameters: a pure function of the purchase and the card, so a retry's match the first request's. */
export function topUpIntentParams(
  purchase: Pick<Purchase, "id" | "userId" | "packId" | "credits" | "amountTotal" | "currency">,
  customer: string,
  paymentMethodId: string,
): Stripe.PaymentIntentCreateParams {
  return {
    amount: purchase.amountTotal,
    currency: purchase.currency,
    customer,
    payment_method: paymentMethodId,
    off_session: true,
    confirm: true,
    description: `Tally auto top-up: ${purchase.credits} credits (${purchase.packId} pack)`,
    metadata: {
      userId: purchase.userId,
      purchaseId: purchase.id,
      packId: purchase.packId,
      credits: String(purchase.credits),
      kind: "auto_top_up",
    },
    expand: TOP_UP_INTENT_EXPAND,
  };
}

/** The intent a card error carries (Stripe returns the failed attempt's PaymentIntent with a 402). */
function intentOfCardError(error: Stripe.errors.StripeCardError): Stripe.PaymentIntent | null {
  const intent =
    (error as { payment_intent?: unknown }).payment_intent ??
    (error.raw as { payment_intent?: unknown }).payment_intent;
  return intent && typeof intent === "object" && typeof (intent as { id?: unknown }).id === "string"
    ? (intent as Stripe.PaymentIntent)
    : null;
}

/** Charges the pending top-up `purchaseId` (or, if its PaymentIntent exists already, settles from Stripe's record). */
export async function chargeAutoTopUp(deps: Deps, purchaseId: string): Promise<AutoTopUpOutcome> {
  const purchase = await deps.db.purchase.findUnique({ where: { id: purchaseId } });
  if (!purchase || purchase.kind !== "auto_top_up" || !purchase.idempotencyKey)
    return { kind: "refused", reason: "no_top_up" };
  if (purchase.paymentIntentId) {
    const intent = await retrieveTopUpIntent(deps.stripe, purchase.paymentIntentId);
    return intent ? fulfilAutoTopUp(deps.db, intent) : { kind: "refused", reason: "unknown_payment_intent" };
  }
  if (purchase.status !== "pending") return { kind: "refused", reason: `status_${purchase.status}` };

  const [setting, user] = await Promise.all([
    deps.db.autoTopUp.findUnique({ where: { userId: purchase.userId }, select: { paymentMethodId: true } }),
    deps.db.user.findUnique({ where: { id: purchase.userId }, select: { stripeCustomerId: true } }),
  ]);
  if (!user?.stripeCustomerId || !setting) {
    await failTopUp(deps.db, purchaseId, "no_customer", {
      code: "no_customer",
      message: "There is no saved card to charge.",
    });
    return { kind: "failed", purchaseId };
  }

  let intent: Stripe.PaymentIntent;
  try {
    intent = await deps.stripe.paymentIntents.create(
      topUpIntentParams(purchase, user.stripeCustomerId, setting.paymentMethodId),
      { idempotencyKey: purchase.idempotencyKey },
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) {
      const failed = intentOfCardError(error);
      if (failed) return fulfilAutoTopUp(deps.db, failed);
      await failTopUp(deps.db, purchaseId, "card_declined", {
        code: error.decline_code ?? error.code ?? "card_declined",
        message: error.message,
      });
      return { kind: "failed", purchaseId };
    }
    // The card is no longer on the customer (detached, or never its own): no intent was created.
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError &&
      (error.param === "payment_method" || isMissingAtStripe(error))
    ) {
      await failTopUp(deps.db, purchaseId, "card_removed", {
        code: "card_removed",
        message: "The saved card is no longer available.",
      });
      return { kind: "failed", purchaseId };
    }
    throw error; // an outage: the purchase stays pending and the retry job tries again with the same key
  }
  return fulfilAutoTopUp(deps.db, intent);
}
