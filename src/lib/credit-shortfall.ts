import { LIMIT_PERIODS, type LimitPeriod } from "./teams";

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
  /** Set when the balance that refused was a team's pool (the numbers above are the pool's). */
  teamId?: string;
  /** Set when the member's own limit refused, not the pool: which period, the limit, and what counted against it (held included). */
  memberLimit?: { period: LimitPeriod; limit: number; used: number };
}

const FIELDS = ["needed", "spendable", "held", "balance"] as const;

/** `value` as a CreditShortfall when it is one (every field a safe integer), else null. */
export function asCreditShortfall(value: unknown): CreditShortfall | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  if (!FIELDS.every((f) => Number.isSafeInteger(record[f]))) return null;
  const [needed, spendable, held, balance] = FIELDS.map((f) => record[f] as number) as [number, number, number, number];
  const shortfall: CreditShortfall = { needed, spendable, held, balance };
  if (typeof record.teamId === "string" && record.teamId.length > 0) shortfall.teamId = record.teamId;
  const limit = record.memberLimit as Record<string, unknown> | null | undefined;
  if (
    typeof limit === "object" &&
    limit !== null &&
    (LIMIT_PERIODS as readonly unknown[]).includes(limit.period) &&
    Number.isSafeInteger(limit.limit) &&
    Number.isSafeInteger(limit.used)
  ) {
    shortfall.memberLimit = {
      period: limit.period as LimitPeriod,
      limit: limit.limit as number,
      used: limit.used as number,
    };
  }
  return shortfall;
}

/** Credits missing for the refused action: what a pack must at least hold. */
export function missingCredits(shortfall: CreditShortfall): number {
  return Math.max(shortfall.needed - shortfall.spendable, 0);
}
