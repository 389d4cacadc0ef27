/**
 * What a PAYMENT_REQUIRED refusal reports (tRPC error data `credits`), read in the locked
 * transaction that refused: the server writes it, the paywall shows it. Integers, in credits.
 */
export interface CreditShortfall {
  /** What the refused action would have reserved or spent (a reply's worst case). */
  needed: number;
  /** What could be committed right then: balance − held, never negative. The header shows this. */
  spendable: number;
  /** Reserved by replies still in progress; comes back (less their actual cost) when they finish. */
  held: number;
  /** Owned credits, held ones included. */
  balance: number;
}

const FIELDS = ["needed", "spendable", "held", "balance"] as const;

/** `value` as a CreditShortfall when it is one (every field a safe integer), else null. */
export function asCreditShortfall(value: unknown): CreditShortfall | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  if (!FIELDS.every((f) => Number.isSafeInteger(record[f]))) return null;
  const [needed, spendable, held, balance] = FIELDS.map((f) => record[f] as number) as [number, number, number, number];
  return { needed, spendable, held, balance };
}

/** Credits missing for the refused action: what a pack must at least hold. */
export function missingCredits(shortfall: CreditShortfall): number {
  return Math.max(shortfall.needed - shortfall.spendable, 0);
}
