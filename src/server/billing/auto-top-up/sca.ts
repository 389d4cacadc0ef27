/**
 * Strong customer authentication for a top-up the bank would not take off session: the payer
 * confirms it on Stripe's page (autoTopUp.authenticate → the page → back to the billing page →
 * autoTopUp.confirm). Only the owner's top-up, only while it waits for them.
 */
import type Stripe from "stripe";

import type { PurchaseStatus } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { DomainError } from "~/server/errors";

import { idOf } from "../fulfil-checkout-session";
import { fulfilAutoTopUp } from "./fulfil";
import { retrieveTopUpIntent, TOP_UP_INTENT_EXPAND } from "./intents";
import { topUpLink } from "./notify";

export class TopUpNotFoundError extends DomainError {
  constructor() {
    super("auto_top_up_not_found", "No such top-up.", "NOT_FOUND");
  }
}

export class TopUpNotAwaitingAuthenticationError extends DomainError {
  constructor(status: PurchaseStatus) {
    super(
      "auto_top_up_not_awaiting_authentication",
      `This top-up does not need authentication (${status}).`,
      "CONFLICT",
    );
  }
}

interface Deps {
  db: Db;
  stripe: Stripe;
}

/** The owner's top-up; another user's is "not found" (nothing revealed). */
async function ownTopUp(db: Db, userId: string, purchaseId: string) {
  const purchase = await db.purchase.findUnique({ where: { id: purchaseId } });
  if (!purchase || purchase.userId !== userId || purchase.kind !== "auto_top_up") throw new TopUpNotFoundError();
  return purchase;
}

function redirectUrl(intent: Stripe.PaymentIntent): string | null {
  const url = intent.next_action?.redirect_to_url?.url;
  return intent.status === "requires_action" && typeof url === "string" ? url : null;
}

/** The Stripe-hosted page where the payer authenticates this top-up. */
export async function authenticateTopUp(deps: Deps, userId: string, purchaseId: string): Promise<{ url: string }> {
  const purchase = await ownTopUp(deps.db, userId, purchaseId);
  if (purchase.status !== "requires_action" || !purchase.paymentIntentId)
    throw new TopUpNotAwaitingAuthenticationError(purchase.status);
  const intent = await retrieveTopUpIntent(deps.stripe, purchase.paymentIntentId);
  if (!intent) throw new TopUpNotFoundError();
  const waiting = redirectUrl(intent);
  if (waiting) return { url: waiting };
  if (intent.status !== "requires_payment_method") throw new TopUpNotAwaitingAuthenticationError(purchase.status);
  const setting = await deps.db.autoTopUp.findUnique({ where: { userId }, select: { paymentMethodId: true } });
  const paymentMethod = idOf(intent.last_payment_error?.payment_method) ?? setting?.paymentMethodId;
  if (!paymentMethod) throw new TopUpNotAwaitingAuthenticationError(purchase.status);
  // On session now: the payer is here, so the bank may ask them (3D Secure) and Stripe redirects back to Tally.
  const confirmed = await deps.stripe.paymentIntents.confirm(
    intent.id,
    { payment_method: paymentMethod, return_url: topUpLink(purchase.id), expand: TOP_UP_INTENT_EXPAND },
    { idempotencyKey: `${purchase.idempotencyKey ?? purchase.id}:authenticate` },
  );
  const url = redirectUrl(confirmed);
  if (url) return { url };
  // The bank took it without asking after all: credit it now and send the payer straight back.
  await fulfilAutoTopUp(deps.db, confirmed);
  return { url: topUpLink(purchase.id) };
}

/** Back from the page: Stripe's record decides (credited once, whoever gets there first: this or the webhook). */
export async function confirmTopUp(
  deps: Deps,
  userId: string,
  purchaseId: string,
): Promise<{ status: PurchaseStatus; credited: boolean }> {
  const purchase = await ownTopUp(deps.db, userId, purchaseId);
  if (purchase.paymentIntentId) {
    const intent = await retrieveTopUpIntent(deps.stripe, purchase.paymentIntentId);
    if (intent) await fulfilAutoTopUp(deps.db, intent);
  }
  const now = await deps.db.purchase.findUniqueOrThrow({ where: { id: purchaseId } });
  return { status: now.status, credited: now.creditedAt !== null };
}
