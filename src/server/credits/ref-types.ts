/**
 * Every kind of real-world cause a ledger row or hold can point at, defined here once. With the
 * cause's own id (refId) it is the database-unique ref that makes each credit move happen once.
 * tests/credits/ref-types.test.ts fails on a ref type spelled anywhere else in src/.
 */

/** The one-time bonus for a verified email; refId = the user's id. */
export const SIGNUP_BONUS_REF_TYPE = "signup_bonus";
/** A paid Checkout Session; refId = cs_…. */
export const CHECKOUT_REF_TYPE = "stripe_checkout_session";
/** One refund state of a charge; refId = `${chargeId}:${amountRefunded}`. */
export const REFUND_REF_TYPE = "stripe_refund";
/** A dispute's clawback; refId = dp_…. */
export const DISPUTE_REF_TYPE = "stripe_dispute";
/** What a won dispute gives back; refId = dp_…. */
export const DISPUTE_WON_REF_TYPE = "stripe_dispute_won";
/** An auto top-up's off-session payment; refId = its PaymentIntent's id (pi_…): one grant per PaymentIntent. */
export const AUTO_TOP_UP_REF_TYPE = "stripe_payment_intent";
/** A chat reply's hold and charge; refId = the assistant message's id. */
export const CHAT_REF_TYPE = "chat_message";
/** An operator's grant or adjustment (credits CLI); refId = the operator's --ref or a uuid. */
export const OPERATOR_REF_TYPE = "operator";

export const LEDGER_REF_TYPES = [
  SIGNUP_BONUS_REF_TYPE,
  CHECKOUT_REF_TYPE,
  AUTO_TOP_UP_REF_TYPE,
  REFUND_REF_TYPE,
  DISPUTE_REF_TYPE,
  DISPUTE_WON_REF_TYPE,
  CHAT_REF_TYPE,
  OPERATOR_REF_TYPE,
] as const;

export type LedgerRefType = (typeof LEDGER_REF_TYPES)[number];
