/** Stripe's record of a top-up's PaymentIntent, with its charge (for the receipt link). */
import type Stripe from "stripe";

import { isMissingAtStripe } from "../stripe-records";

export const TOP_UP_INTENT_EXPAND = ["latest_charge"];

export async function retrieveTopUpIntent(
  stripe: Stripe,
  paymentIntentId: string,
): Promise<Stripe.PaymentIntent | null> {
  try {
    return await stripe.paymentIntents.retrieve(paymentIntentId, { expand: TOP_UP_INTENT_EXPAND });
  } catch (error) {
    if (isMissingAtStripe(error)) return null;
    throw error;
  }
}
