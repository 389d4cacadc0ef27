import Stripe from "stripe";

import type { PurchaseStatus } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { CheckoutSessionNotFoundError } from "./errors";
import { fulfilCheckoutSession } from "./fulfil-checkout-session";
import type { Pack } from "./packs";
import { markPendingPurchase } from "./purchase-status";
import { retrieveCheckoutSession } from "./stripe-records";
import { mayManagePurchase } from "./team-purchases";

/**
 * The buyer came back through Checkout's cancel link: expire the session at Stripe so it can no
 * longer be paid, then mark the purchase canceled. A session Stripe already closed keeps Stripe's
 * verdict instead: a completed one is fulfilled (credited once, as everywhere), an expired one is expired.
 */
export async function cancelCheckout(
  deps: { db: Db; stripe: Stripe; packs?: Pack[] },
  userId: string,
  checkoutRef: string,
): Promise<{ status: PurchaseStatus }> {
  const purchase = await deps.db.purchase.findUnique({
    where: { checkoutRef },
    select: { id: true, userId: true, teamId: true, status: true },
  });
  // Another account's reference reads as unknown: it reveals nothing and changes nothing.
  if (!purchase || !(await mayManagePurchase(deps.db, userId, purchase)))
    throw new CheckoutSessionNotFoundError(checkoutRef);
  if (purchase.status !== "pending") return { status: purchase.status };

  try {
    await deps.stripe.checkout.sessions.expire(purchase.id);
    await markPendingPurchase(deps.db, purchase.id, "canceled");
    logEvent("checkout_canceled", { userId, sessionId: purchase.id });
  } catch (error) {
    // Stripe refuses to expire a session that is no longer open; anything else (an outage) is the caller's error.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    const session = await retrieveCheckoutSession(deps.stripe, purchase.id);
    if (session?.status === "complete") await fulfilCheckoutSession(deps.db, session, deps.packs);
    else if (session?.status === "expired") await markPendingPurchase(deps.db, purchase.id, "expired");
  }
  const { status } = await deps.db.purchase.findUniqueOrThrow({ where: { id: purchase.id }, select: { status: true } });
  return { status };
}
