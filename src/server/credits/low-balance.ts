/**
 * Low-balance alerts: the one place that decides when a balance "crosses" a user's threshold.
 *
 * "Balance" here is the owned balance (`User.balance`: credits after settled spends), NOT the
 * spendable number. A reply reserves its worst case as a hold, which lowers spendable for a few
 * seconds and is mostly given back at settle; alerting on that dip would warn people whose balance
 * never actually got low. Holds therefore neither fire nor re-arm an alert: only ledger writes do,
 * and every ledger write goes through `appendEntry` (account.ts), which calls `trackLowBalance`
 * inside its transaction, under the account row lock.
 *
 * The threshold is `User.lowBalanceThreshold`, or when that is null the default: 10% of the credits
 * of the user's last paid pack, else 5,000. `User.lowBalanceAlerts = false` turns alerts off (no
 * banner, no mail, no crossing reported). `User.lowBalanceAlertedAt` is the alert state: set when a
 * write moves the balance from >= threshold to < threshold (the alert fires, once: the update is
 * conditional on it being null), cleared when a write brings the balance back to >= threshold
 * (re-armed). So a crossing sends one mail however many spends follow below the threshold.
 *
 * Subscribing: every crossing (fired or re-armed) is handed, in the same transaction, to each
 * handler in `CROSSING_HANDLERS`, and returned to appendEntry's caller as `LedgerResult.lowBalance`.
 * The mail is the only handler today (auto top-up watches spendable credits on every lowering write
 * instead: billing/auto-top-up/trigger.ts). Handlers run under the account lock: they only write rows
 * (outbox, jobs), never call the network.
 */
import { MAX_LOW_BALANCE_THRESHOLD } from "~/lib/setting-bounds";
import { Prisma } from "~/generated/prisma/client";
import { env } from "~/env";
import { DEFAULT_LOCALE, isLocale } from "~/i18n/locales";
import { inTransaction, type DbOrTx, type Tx } from "~/server/database/transaction";
import { DomainError } from "~/server/errors";
import { enqueueMail } from "~/server/mail";

import { AccountNotFoundError } from "./errors";

/** The threshold when the user has none and never bought a pack. */
export const DEFAULT_LOW_BALANCE_THRESHOLD = 5_000;
/** Otherwise the default is this share (percent) of the credits of their last paid pack. */
export const DEFAULT_LOW_BALANCE_PERCENT_OF_PACK = 10;
/** The largest threshold a user can set. */
export { MAX_LOW_BALANCE_THRESHOLD };

/** What the alert needs to know, read with the account row (lockAccount) so the hot path pays no extra query. */
export interface LowBalanceState {
  enabled: boolean;
  /** The user's own threshold; null = the default. */
  custom: number | null;
  /** Credits of the user's last paid (credited) pack, if any. */
  lastPackCredits: number | null;
  /** The alert fired and the balance has not been back at or above the threshold since. */
  alerted: boolean;
}

/** Columns for a `SELECT … FROM "User" u`: the LowBalanceState, raw (see lowBalanceStateFrom). */
export const LOW_BALANCE_COLUMNS = Prisma.sql`u."lowBalanceAlerts" AS "lowBalanceAlerts",
  u."lowBalanceThreshold" AS "lowBalanceThreshold",
  (u."lowBalanceAlertedAt" IS NOT NULL) AS "lowBalanceAlerted",
  (SELECT p.credits FROM "Purchase" p
    WHERE p."userId" = u.id AND p."teamId" IS NULL AND p."creditedAt" IS NOT NULL
    ORDER BY p."createdAt" DESC LIMIT 1) AS "lastPackCredits"`;

export interface LowBalanceRow {
  lowBalanceAlerts: boolean;
  lowBalanceThreshold: number | null;
  lowBalanceAlerted: boolean;
  lastPackCredits: number | null;
}

export function lowBalanceStateFrom(row: LowBalanceRow): LowBalanceState {
  return {
    enabled: row.lowBalanceAlerts,
    custom: row.lowBalanceThreshold === null ? null : Number(row.lowBalanceThreshold),
    lastPackCredits: row.lastPackCredits === null ? null : Number(row.lastPackCredits),
    alerted: row.lowBalanceAlerted,
  };
}

/** The default threshold: 10% of the last paid pack's credits, else 5,000. */
export function defaultLowBalanceThreshold(lastPackCredits: number | null): number {
  if (lastPackCredits === null || lastPackCredits <= 0) return DEFAULT_LOW_BALANCE_THRESHOLD;
  return Math.max(1, Math.floor((lastPackCredits * DEFAULT_LOW_BALANCE_PERCENT_OF_PACK) / 100));
}

/** The threshold in force; null when alerts are off. */
export function effectiveThreshold(
  state: Pick<LowBalanceState, "enabled" | "custom" | "lastPackCredits">,
): number | null {
  if (!state.enabled) return null;
  return state.custom ?? defaultLowBalanceThreshold(state.lastPackCredits);
}

export interface LowBalanceCrossing {
  userId: string;
  /** "below": the alert fired (balance went from >= threshold to < threshold). "rearmed": back at or above it. */
  direction: "below" | "rearmed";
  balance: number;
  threshold: number;
}

/** Who gets mail about the account, read when the alert fires (null: no mail). */
interface Recipient {
  email: string | null;
  emailVerified: Date | null;
  deletedAt: Date | null;
  locale: string | null;
}

export type CrossingHandler = (tx: Tx, crossing: LowBalanceCrossing, recipient: Recipient | null) => Promise<void>;

/** Links the low-balance mail carries. */
export function lowBalanceLinks(): { billing: string; settings: string } {
  return {
    billing: new URL("/billing", env.APP_URL).toString(),
    settings: new URL("/account#low-balance", env.APP_URL).toString(),
  };
}

/**
 * One mail per fired alert, queued in the crossing's transaction. Like the other account mail it
 * goes only to a confirmed address of a live account: deleted accounts (their email is erased) and
 * unconfirmed addresses get none (the in-app banner still shows).
 */
const queueLowBalanceMail: CrossingHandler = async (tx, crossing, recipient) => {
  if (crossing.direction !== "below" || !recipient) return;
  if (!recipient.email || !recipient.emailVerified || recipient.deletedAt) return;
  const links = lowBalanceLinks();
  await enqueueMail(tx, {
    to: recipient.email,
    template: "low_balance",
    locale: recipient.locale && isLocale(recipient.locale) ? recipient.locale : DEFAULT_LOCALE,
    params: {
      link: links.billing,
      settingsLink: links.settings,
      balance: crossing.balance,
      threshold: crossing.threshold,
    },
  });
};

/** Everything that reacts to a crossing, in order. Auto top-up subscribes by adding its handler here. */
export const CROSSING_HANDLERS: readonly CrossingHandler[] = [queueLowBalanceMail];

/** What a move from `before` to `after` does to the alert: fire it, re-arm it, or nothing (null). */
export function lowBalanceDirection(
  state: LowBalanceState,
  before: number,
  after: number,
): { direction: LowBalanceCrossing["direction"]; threshold: number } | null {
  const threshold = effectiveThreshold(state);
  if (threshold === null) return null;
  if (!state.alerted && before >= threshold && after < threshold) return { direction: "below", threshold };
  if (state.alerted && after >= threshold) return { direction: "rearmed", threshold };
  return null;
}

/**
 * lowBalanceDirection(…) !== null in SQL, over a row with LOW_BALANCE_COLUMNS' names: the one-statement
 * write (account.ts hooksWouldActSql) moves a balance itself only when this is false. Kept equal to the
 * TypeScript rule by tests/credits/low-balance-sql.test.ts.
 */
export function lowBalanceWouldActSql(before: Prisma.Sql, after: Prisma.Sql): Prisma.Sql {
  const threshold = Prisma.sql`COALESCE("lowBalanceThreshold", CASE
    WHEN "lastPackCredits" IS NULL OR "lastPackCredits" <= 0 THEN ${DEFAULT_LOW_BALANCE_THRESHOLD}::int
    ELSE GREATEST(1, "lastPackCredits"::bigint * ${DEFAULT_LOW_BALANCE_PERCENT_OF_PACK}::int / 100) END)`;
  return Prisma.sql`("lowBalanceAlerts" AND CASE WHEN "lowBalanceAlerted" THEN ${after} >= ${threshold}
    ELSE ${before} >= ${threshold} AND ${after} < ${threshold} END)`;
}

/**
 * Called by appendEntry after it moved the balance from `before` to `after`, in its transaction
 * and under the account lock. Fires (once: conditional update) or re-arms the alert and tells the
 * handlers; returns the crossing, or null when nothing crossed. Updates `state` in place so a
 * second write in the same transaction sees it.
 */
export async function trackLowBalance(
  tx: Tx,
  move: { userId: string; before: number; after: number; state: LowBalanceState },
): Promise<LowBalanceCrossing | null> {
  const { userId, before, after, state } = move;
  const crossed = lowBalanceDirection(state, before, after);
  if (!crossed) return null;
  const { threshold } = crossed;
  if (crossed.direction === "below") {
    const fired = await tx.$queryRaw<Recipient[]>`
      UPDATE "User" SET "lowBalanceAlertedAt" = now()
       WHERE id = ${userId} AND "lowBalanceAlertedAt" IS NULL
       RETURNING email, "emailVerified", "deletedAt", locale`;
    state.alerted = true;
    if (!fired[0]) return null; // already fired (cannot happen under the lock; the condition is the last word)
    const crossing: LowBalanceCrossing = { userId, direction: "below", balance: after, threshold };
    for (const handler of CROSSING_HANDLERS) await handler(tx, crossing, fired[0]);
    return crossing;
  }
  await tx.$executeRaw`UPDATE "User" SET "lowBalanceAlertedAt" = NULL WHERE id = ${userId}`;
  state.alerted = false;
  const crossing: LowBalanceCrossing = { userId, direction: "rearmed", balance: after, threshold };
  for (const handler of CROSSING_HANDLERS) await handler(tx, crossing, null);
  return crossing;
}

// ---------- The user's view and setting ----------

export interface LowBalanceStatus {
  /** Owned credits (see the module comment: not spendable). */
  balance: number;
  enabled: boolean;
  /** The user's own threshold; null = the default. */
  custom: number | null;
  /** What applies when `custom` is null. */
  defaultThreshold: number;
  /** The threshold in force; null when alerts are off. */
  threshold: number | null;
  /** balance < threshold (never when off): the banner shows. */
  low: boolean;
}

async function readStatus(db: DbOrTx, userId: string): Promise<LowBalanceStatus> {
  const rows = await db.$queryRaw<(LowBalanceRow & { balance: number })[]>`
    SELECT u.balance, ${LOW_BALANCE_COLUMNS} FROM "User" u WHERE u.id = ${userId}`;
  const row = rows[0];
  if (!row) throw new AccountNotFoundError(userId);
  const state = lowBalanceStateFrom(row);
  const balance = Number(row.balance);
  const threshold = effectiveThreshold(state);
  return {
    balance,
    enabled: state.enabled,
    custom: state.custom,
    defaultThreshold: defaultLowBalanceThreshold(state.lastPackCredits),
    threshold,
    low: threshold !== null && balance < threshold,
  };
}

/** O(1): the account row and one indexed lookup of the last paid pack. */
export function getLowBalanceStatus(db: DbOrTx, userId: string): Promise<LowBalanceStatus> {
  return readStatus(db, userId);
}

export class InvalidLowBalanceThresholdError extends DomainError {
  constructor() {
    super(
      "invalid_low_balance_threshold",
      `The low-balance threshold must be a whole number of credits from 1 to ${MAX_LOW_BALANCE_THRESHOLD} (required for a custom threshold, not allowed with the default).`,
      "BAD_REQUEST",
    );
  }
}

export const LOW_BALANCE_MODES = ["off", "default", "custom"] as const;

export interface LowBalanceSetting {
  /** "off": no banner, no mail. "default": the default threshold. "custom": `threshold`. */
  mode: (typeof LOW_BALANCE_MODES)[number];
  /** Required for "custom"; with "off" it is kept for when alerts are turned back on; refused with "default". */
  threshold?: number;
  /** The UI language the alert mail will be written in. */
  locale?: string;
}

/**
 * Saves the setting. The alert state follows the new threshold: at or above it the alert is
 * re-armed (so the next crossing mails); below it, it stays as it is — changing the setting is
 * not a crossing and sends nothing. Turning alerts off keeps nothing armed or fired.
 */
export async function setLowBalanceSetting(
  db: DbOrTx,
  userId: string,
  setting: LowBalanceSetting,
): Promise<LowBalanceStatus> {
  const threshold = setting.threshold ?? null;
  const valid =
    LOW_BALANCE_MODES.includes(setting.mode) &&
    (threshold === null
      ? setting.mode !== "custom"
      : setting.mode !== "default" &&
        Number.isSafeInteger(threshold) &&
        threshold >= 1 &&
        threshold <= MAX_LOW_BALANCE_THRESHOLD);
  if (!valid) throw new InvalidLowBalanceThresholdError();
  const locale = setting.locale && isLocale(setting.locale) ? setting.locale : undefined;
  return inTransaction(db, async (tx) => {
    // The same lock as every balance write: a crossing cannot interleave with the change.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    if (!locked[0]) throw new AccountNotFoundError(userId);
    await tx.user.update({
      where: { id: userId },
      data: {
        lowBalanceAlerts: setting.mode !== "off",
        lowBalanceThreshold: threshold,
        ...(locale ? { locale } : {}),
      },
    });
    const status = await readStatus(tx, userId);
    if (status.threshold === null || status.balance >= status.threshold)
      await tx.user.update({ where: { id: userId }, data: { lowBalanceAlertedAt: null } });
    return status;
  });
}
