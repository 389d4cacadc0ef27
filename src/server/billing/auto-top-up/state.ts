/**
 * The auto top-up setting as the ledger's hot path sees it: read by lockAccount's one SELECT
 * (a LEFT JOIN on the account row), so a spend by a user without auto top-up pays no extra query.
 */
import { Prisma } from "~/generated/prisma/client";

export interface AutoTopUpState {
  enabled: boolean;
  threshold: number;
  packId: string;
  monthlyLimit: number;
  /** The top-up being charged now; set (conditionally) by the trigger, cleared when it ends. */
  inFlightPurchaseId: string | null;
}

/** Columns for `SELECT … FROM "User" u LEFT JOIN "AutoTopUp" atu ON atu."userId" = u.id`. */
export const AUTO_TOP_UP_COLUMNS = Prisma.sql`atu.enabled AS "autoTopUpEnabled",
  atu.threshold AS "autoTopUpThreshold",
  atu."packId" AS "autoTopUpPackId",
  atu."monthlyLimit" AS "autoTopUpMonthlyLimit",
  atu."inFlightPurchaseId" AS "autoTopUpInFlight"`;

export const AUTO_TOP_UP_JOIN = Prisma.sql`LEFT JOIN "AutoTopUp" atu ON atu."userId" = u.id`;

export interface AutoTopUpRow {
  autoTopUpEnabled: boolean | null;
  autoTopUpThreshold: number | null;
  autoTopUpPackId: string | null;
  autoTopUpMonthlyLimit: number | null;
  autoTopUpInFlight: string | null;
}

/** null when the user never set auto top-up. */
export function autoTopUpStateFrom(row: AutoTopUpRow): AutoTopUpState | null {
  if (row.autoTopUpEnabled === null || row.autoTopUpPackId === null) return null;
  return {
    enabled: row.autoTopUpEnabled,
    threshold: Number(row.autoTopUpThreshold),
    packId: row.autoTopUpPackId,
    monthlyLimit: Number(row.autoTopUpMonthlyLimit),
    inFlightPurchaseId: row.autoTopUpInFlight,
  };
}

/** The first instant of `now`'s calendar month in UTC: the cap counts top-ups created from here. */
export function monthStartUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Statuses of a top-up that took, or may still take, money: these count against the monthly cap. */
export const COUNTED_STATUSES = [
  "pending",
  "requires_action",
  "paid",
  "partially_refunded",
  "refunded",
  "disputed",
  "dispute_won",
  "dispute_lost",
] as const;

export const TOP_UP_ID_PREFIX = "topup_";

/** The Idempotency-Key of a top-up's PaymentIntent: derived from the trigger, so every retry reuses it. */
export function idempotencyKeyFor(purchaseId: string): string {
  return `tally-auto-top-up:${purchaseId}`;
}
