// Currencies whose smallest unit is the unit itself (Stripe's list of zero-decimal currencies).
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Stripe amounts are in the currency's smallest unit; Intl wants major units. */
export function minorToMajor(amount: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100;
}

export interface PricedPack {
  credits: number;
  /** Price in the currency's smallest unit. */
  unitAmount: number;
  currency: string;
}

/**
 * What `credits` are worth in money (major units, for Intl), at the price per credit of the
 * smallest pack on sale (what a newcomer pays); undefined when no pack is known.
 */
export function creditsToMoney(
  credits: number,
  packs: readonly PricedPack[],
): { amount: number; currency: string } | undefined {
  const entry = packs.reduce<PricedPack | undefined>(
    (smallest, p) => (p.credits > 0 && (!smallest || p.credits < smallest.credits) ? p : smallest),
    undefined,
  );
  if (!entry) return undefined;
  return {
    amount: minorToMajor((credits * entry.unitAmount) / entry.credits, entry.currency),
    currency: entry.currency,
  };
}
