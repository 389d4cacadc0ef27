/**
 * A refund or dispute can reach the app before the purchase it reverses was fulfilled (the
 * purchase's own webhook late or lost). Then the clawback finds no purchase, and crediting the
 * session later would hand out credits for money already returned. So the purchase is fulfilled
 * first, from Stripe's own record of the session, and the clawback applied on top.
 */
import type Stripe from "stripe";

import type { Db } from "~/server/db";

import { fulfilAutoTopUp } from "./auto-top-up/fulfil";
import { retrieveTopUpIntent } from "./auto-top-up/intents";
import { fulfilCheckoutSession } from "./fulfil-checkout-session";
import type { Pack } from "./packs";
import { LIST_EXPAND, type VerifiedCheckoutSession } from "./stripe-records";

/** Fulfils the Checkout Session (or the auto top-up) that created `paymentIntentId`; false when it is not one of ours. */
export async function fulfilByPaymentIntent(
  db: Db,
  stripe: Stripe,
  paymentIntentId: string,
  packs?: Pack[],
): Promise<boolean> {
  const { data } = await stripe.checkout.sessions.list({
    payment_intent: paymentIntentId,
    limit: 1,
    expand: LIST_EXPAND,
  });
  const session = data[0] as VerifiedCheckoutSession | undefined;
  if (!session) {
    // Only a top-up whose charge was interrupted before its PaymentIntent was recorded can be behind this refund.
    const unrecorded = await db.purchase.count({
      where: { kind: "auto_top_up", paymentIntentId: null, status: { in: ["pending", "requires_action"] } },
    });
    if (unrecorded === 0) return false;
    const intent = await retrieveTopUpIntent(stripe, paymentIntentId);
    if (intent?.metadata?.kind !== "auto_top_up") return false;
    const result = await fulfilAutoTopUp(db, intent);
    return result.kind === "credited" || result.kind === "already_credited";
  }
  const result = await fulfilCheckoutSession(db, session, packs);
  return result.kind === "credited" || result.kind === "already_credited";
}
