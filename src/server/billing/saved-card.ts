import Stripe from "stripe";

import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { turnOffForRemovedCard } from "./auto-top-up/settings";
import { BillingNotConfiguredError, SavedCardNotFoundError } from "./errors";

/**
 * The cards a user saved at Checkout ("save card for later": `setup_future_usage`), as Stripe keeps them on the user's
 * customer. Tally stores no card data: brand, last 4 and expiry are read from Stripe each time. Ownership is Stripe's
 * record: a card is the user's only while it is attached to the customer stored on the user.
 */
export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

interface Deps {
  db: Db;
  stripe: Stripe;
}

/** Stripe keeps a customer's cards without limit; a page this long covers anyone the billing page can show. */
const MAX_CARDS = 20;

async function customerOf(db: Db, userId: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  return user?.stripeCustomerId ?? null;
}

/** The user's saved cards, newest first; none without a Stripe customer (no purchase yet). */
export async function listSavedCards(deps: Deps, userId: string): Promise<SavedCard[]> {
  const customer = await customerOf(deps.db, userId);
  if (!customer) return [];
  const methods = await deps.stripe.customers.listPaymentMethods(customer, { type: "card", limit: MAX_CARDS });
  return methods.data.flatMap((method) =>
    method.card && method.customer === customer
      ? [
          {
            id: method.id,
            brand: method.card.brand,
            last4: method.card.last4,
            expMonth: method.card.exp_month,
            expYear: method.card.exp_year,
          },
        ]
      : [],
  );
}

/** The billing page's view: `available: false` when this server takes no payments (no Stripe key), never an error. */
export async function savedCardsView(
  deps: { db: Db; stripe: () => Stripe },
  userId: string,
): Promise<{ available: boolean; cards: SavedCard[] }> {
  let stripe: Stripe;
  try {
    stripe = deps.stripe();
  } catch (error) {
    if (error instanceof BillingNotConfiguredError) return { available: false, cards: [] };
    throw error;
  }
  return { available: true, cards: await listSavedCards({ db: deps.db, stripe }, userId) };
}

const isMissing = (error: unknown) =>
  error instanceof Stripe.errors.StripeInvalidRequestError &&
  (error.code === "resource_missing" || error.code === "payment_method_unexpected_state");

/**
 * Detaches one of the user's saved cards at Stripe. A card of another customer, an unknown one, or one already
 * removed is "not found" (nothing is revealed and nothing changes).
 */
export async function removeSavedCard(deps: Deps, userId: string, paymentMethodId: string): Promise<void> {
  const customer = await customerOf(deps.db, userId);
  if (!customer) throw new SavedCardNotFoundError();
  let method: Stripe.PaymentMethod;
  try {
    method = await deps.stripe.paymentMethods.retrieve(paymentMethodId);
  } catch (error) {
    if (isMissing(error)) throw new SavedCardNotFoundError();
    throw error;
  }
  if (method.customer !== customer) throw new SavedCardNotFoundError();
  try {
    await deps.stripe.paymentMethods.detach(paymentMethodId);
  } catch (error) {
    // A concurrent removal detached it first: the outcome the user asked for, reported as for an unknown card.
    if (isMissing(error)) throw new SavedCardNotFoundError();
    throw error;
  }
  // Auto top-up never charges a card that is gone: removing its card turns it off (card_removed).
  await turnOffForRemovedCard(deps.db, userId, paymentMethodId);
  logEvent("saved_card_removed", { userId, paymentMethodId });
}
