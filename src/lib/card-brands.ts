/** Stripe's `card.brand` values and how the networks write their own names (trademarks: the same in every language). */
const BRAND_NAMES: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
  cartes_bancaires: "Cartes Bancaires",
  eftpos_au: "eftpos",
  interac: "Interac",
  link: "Link",
};

/** The network's name, or null for a brand Stripe reports as unknown (the UI then says "Card" in the user's language). */
export function cardBrandName(brand: string): string | null {
  return BRAND_NAMES[brand] ?? null;
}

/** "08/2031": the expiry as printed on cards. */
export const cardExpiry = (month: number, year: number) => `${String(month).padStart(2, "0")}/${year}`;
