/** Stripe's test cards and the messages its hosted page shows for them. */
export type CardResult =
  | { ok: true; brand: string; last4: string }
  | { ok: false; code: string; declineCode?: string; message: string; field: "cardNumber" | "cardExpiry" | "cardCvc" };

const DECLINED = "Your card was declined.";

const TEST_CARDS: Record<string, CardResult> = {
  "4242424242424242": { ok: true, brand: "visa", last4: "4242" },
  "4000056655665556": { ok: true, brand: "visa", last4: "5556" },
  "5555555555554444": { ok: true, brand: "mastercard", last4: "4444" },
  "378282246310005": { ok: true, brand: "amex", last4: "0005" },
  "4000000000000002": {
    ok: false,
    code: "card_declined",
    declineCode: "generic_decline",
    message: DECLINED,
    field: "cardNumber",
  },
  "4000000000009995": {
    ok: false,
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
    field: "cardNumber",
  },
  "4000000000009987": {
    ok: false,
    code: "card_declined",
    declineCode: "lost_card",
    message: DECLINED,
    field: "cardNumber",
  },
  "4000000000000069": { ok: false, code: "expired_card", message: "Your card has expired.", field: "cardExpiry" },
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
