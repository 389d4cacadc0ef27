import { digest } from "./shapes/common";

/** Stripe's test cards and the messages its hosted page shows for them. */
export type CardDecline = {
  ok: false;
  code: string;
  declineCode?: string;
  message: string;
  field: "cardNumber" | "cardExpiry" | "cardCvc";
};
export type CardResult = { ok: true; brand: string; last4: string } | CardDecline;

/**
 * What a saved card does when it is charged later through the PaymentIntents API (Stripe's "regulatory" and decline test
 * cards): `authentication` — "unless_set_up" (4000 0025 0000 3155: one-time payments ask for 3D Secure, off-session
 * payments on the card once it is saved for future use do not), "always" (4000 0027 6000 3184: every payment asks);
 * `decline` — the charge is declined although saving the card worked (4000 0000 0000 0341, 9995, 0002…).
 */
export interface CardBehaviour {
  authentication?: "unless_set_up" | "always";
  decline?: CardDecline;
}

const DECLINED = "Your card was declined.";
const GENERIC_DECLINE: CardDecline = {
  ok: false,
  code: "card_declined",
  declineCode: "generic_decline",
  message: DECLINED,
  field: "cardNumber",
};
const INSUFFICIENT_FUNDS: CardDecline = {
  ok: false,
  code: "card_declined",
  declineCode: "insufficient_funds",
  message: "Your card has insufficient funds.",
  field: "cardNumber",
};

/** Stripe's answer for an expired card (error and decline code `expired_card`, `param: exp_month`). */
export const EXPIRED_CARD: CardDecline = {
  ok: false,
  code: "expired_card",
  declineCode: "expired_card",
  message: "Your card has expired.",
  field: "cardExpiry",
};

/** Cards that can be saved (setup succeeds) but behave specially when charged. */
const SAVED_CARD_BEHAVIOUR: Record<string, { brand: string; last4: string } & CardBehaviour> = {
  "4000002500003155": { brand: "visa", last4: "3155", authentication: "unless_set_up" },
  "4000002760003184": { brand: "visa", last4: "3184", authentication: "always" },
  // "3D Secure 2 authentication must be completed for the payment to be successful": off session it cannot be.
  "4000000000003220": { brand: "visa", last4: "3220", authentication: "always" },
  "4000000000000341": { brand: "visa", last4: "0341", decline: GENERIC_DECLINE },
  // A $0 setup checks no balance: the card is saved, charging it later is declined.
  "4000000000009995": { brand: "visa", last4: "9995", decline: INSUFFICIENT_FUNDS },
};

const TEST_CARDS: Record<string, CardResult> = {
  "4242424242424242": { ok: true, brand: "visa", last4: "4242" },
  "4000056655665556": { ok: true, brand: "visa", last4: "5556" },
  "5555555555554444": { ok: true, brand: "mastercard", last4: "4444" },
  "378282246310005": { ok: true, brand: "amex", last4: "0005" },
  // 3D Secure cards: Checkout asks for authentication first (see needsAuthentication), then they pay.
  "4000002500003155": { ok: true, brand: "visa", last4: "3155" },
  "4000002760003184": { ok: true, brand: "visa", last4: "3184" },
  "4000000000003220": { ok: true, brand: "visa", last4: "3220" },
  "4000000000000341": GENERIC_DECLINE,
  "4000000000000002": GENERIC_DECLINE,
  "4000000000009995": INSUFFICIENT_FUNDS,
  "4000000000009987": {
    ok: false,
    code: "card_declined",
    declineCode: "lost_card",
    message: DECLINED,
    field: "cardNumber",
  },
  "4000000000000069": EXPIRED_CARD,
  "4000000000000127": {
    ok: false,
    code: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
    field: "cardCvc",
  },
  "4000000000000119": {
    ok: false,
    code: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
    field: "cardNumber",
  },
};

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Field-level problems shown inline before any charge is attempted, like Stripe Elements. */
export function validateCardFields(
  fields: { number: string; expiry: string; cvc: string },
  now = new Date(),
): Partial<Record<"cardNumber" | "cardExpiry" | "cardCvc", string>> {
  const errors: Partial<Record<"cardNumber" | "cardExpiry" | "cardCvc", string>> = {};
  const digits = fields.number.replace(/[\s-]/g, "");
  if (digits === "" || (/^\d+$/.test(digits) && digits.length < 13))
    errors.cardNumber = "Your card number is incomplete.";
  else if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) errors.cardNumber = "Your card number is invalid.";

  const expiry = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(fields.expiry.trim());
  if (!expiry) errors.cardExpiry = "Your card's expiration date is incomplete.";
  else {
    const month = Number(expiry[1]);
    const yearText = expiry[2] ?? "";
    const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    if (month < 1 || month > 12) errors.cardExpiry = "Your card's expiration date is invalid.";
    else if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
      errors.cardExpiry = "Your card's expiration year is in the past.";
    }
  }
  if (!/^\d{3,4}$/.test(fields.cvc.trim())) errors.cardCvc = "Your card's security code is incomplete.";
  return errors;
}

/** What charging this (already well-formed) card number does. */
export function chargeCard(number: string): CardResult {
  const digits = number.replace(/[\s-]/g, "");
  const known = TEST_CARDS[digits];
  if (known) return known;
  if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) {
    return { ok: false, code: "incorrect_number", message: "Your card number is invalid.", field: "cardNumber" };
  }
  return {
    ok: false,
    code: "card_declined",
    declineCode: "test_mode_live_card",
    message:
      "Your card was declined. Your request was in test mode, but used a non test (live) card. For a list of valid test cards, visit: https://stripe.com/docs/testing.",
    field: "cardNumber",
  };
}

/** Saving a card (SetupIntent, setup-mode Checkout): cards declined only when charged are saved fine. */
export function setupCard(number: string): CardResult {
  const digits = number.replace(/[\s-]/g, "");
  const saved = SAVED_CARD_BEHAVIOUR[digits];
  if (saved) return { ok: true, brand: saved.brand, last4: saved.last4 };
  return chargeCard(number);
}

/** A card that asks for 3D Secure when the payer is present (Checkout, on-session confirmation): 3155, 3184, 3220. */
export function needsAuthentication(number: string): boolean {
  return SAVED_CARD_BEHAVIOUR[number.replace(/[\s-]/g, "")]?.authentication !== undefined;
}

/** A card is valid through the last day of its expiry month (UTC). */
export function isExpired(card: { exp_month: number; exp_year: number }, now = new Date()): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return card.exp_year < year || (card.exp_year === year && card.exp_month < month);
}

export const cardFingerprint = (number: string) => digest(`card:${number.replace(/\D/g, "")}`, 16);

const BEHAVIOUR_BY_FINGERPRINT = new Map(
  Object.entries(SAVED_CARD_BEHAVIOUR).map(([number, behaviour]) => [cardFingerprint(number), behaviour]),
);

/** How a stored card (known only by its fingerprint, as the emulator keeps no number) behaves when charged later. */
export function behaviourOf(fingerprint: string): CardBehaviour {
  const known = BEHAVIOUR_BY_FINGERPRINT.get(fingerprint);
  return known ? { authentication: known.authentication, decline: known.decline } : {};
}
