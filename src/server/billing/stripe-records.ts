/**
 * Stripe's own record of an object an event names. A signed event proves only that someone
 * holds the signing secret; what gets credited or reinstated is decided from these reads.
 */
import Stripe from "stripe";

/** A Checkout Session as Stripe returns it with its line items (needed to check the price paid). */
export type VerifiedCheckoutSession = Stripe.Checkout.Session & { line_items: Stripe.ApiList<Stripe.LineItem> };

/**
 * Line items (to check the price paid), and in the same request the charge and the invoice, whose
 * receipt_url / hosted_invoice_url / invoice_pdf the purchase stores (receipt-links.ts).
 */
export const SESSION_EXPAND = ["line_items", "payment_intent.latest_charge", "invoice"];
/** The same for each session of a list. */
export const LIST_EXPAND = SESSION_EXPAND.map((path) => `data.${path}`);

/** A 404 from Stripe is final: the object does not exist under this key (forged, or another account/mode). */
export function isMissingAtStripe(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.statusCode === 404 || error.code === "resource_missing")
  );
}

async function orNullWhenMissing<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isMissingAtStripe(error)) return null;
    throw error; // an outage or a bug: the caller fails and the event is retried
  }
}

export function retrieveCheckoutSession(stripe: Stripe, sessionId: string): Promise<VerifiedCheckoutSession | null> {
  return orNullWhenMissing(
    () => stripe.checkout.sessions.retrieve(sessionId, { expand: SESSION_EXPAND }) as Promise<VerifiedCheckoutSession>,
  );
}

export function retrieveCharge(stripe: Stripe, chargeId: string): Promise<Stripe.Charge | null> {
  return orNullWhenMissing(() => stripe.charges.retrieve(chargeId));
}

export function retrieveDispute(stripe: Stripe, disputeId: string): Promise<Stripe.Dispute | null> {
  return orNullWhenMissing(() => stripe.disputes.retrieve(disputeId));
}
