import { randomUUID } from "node:crypto";

import { Prisma, type CreditLedger, type LedgerReason } from "~/generated/prisma/client";
import { isTransaction, onCommit, type DbOrTx, type Tx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";

import { TeamNotFoundError } from "~/server/teams/errors";

import { AccountNotFoundError, InsufficientCreditsError, InvalidAmountError, LedgerRefConflictError } from "./errors";
import {
  LOW_BALANCE_COLUMNS,
  lowBalanceStateFrom,
  lowBalanceWouldActSql,
  trackLowBalance,
  type LowBalanceCrossing,
  type LowBalanceRow,
  type LowBalanceState,
} from "./low-balance";
import type { LedgerRefType } from "./ref-types";
import {
  AUTO_TOP_UP_COLUMNS,
  AUTO_TOP_UP_JOIN,
  autoTopUpStateFrom,
  autoTopUpWouldActSql,
  type AutoTopUpRow,
  type AutoTopUpState,
} from "~/server/billing/auto-top-up/state";
import { triggerAutoTopUp } from "~/server/billing/auto-top-up/trigger";

export interface LedgerRef {
  refType: LedgerRefType;
  refId: string;
}

export interface LedgerWrite extends LedgerRef {
  userId: string;
  /** Set: the write moves this team's pool, caused by member userId (see CreditLedger in schema.prisma). */
  teamId?: string | null;
  /** Signed: positive adds credits, negative removes them. */
  amount: number;
  reason: LedgerReason;
  note?: string | null;
}

export interface LedgerResult {
  entry: CreditLedger;
  /** false when the ref had already been written: nothing changed this time. */
  created: boolean;
  /** Set when this write fired or re-armed the low-balance alert (low-balance.ts). */
  lowBalance?: LowBalanceCrossing | null;
}

export interface LockedAccount {
  userId: string;
  /** Set: the account is this team's pool (the Team row), and userId the member acting on it. */
  teamId: string | null;
  balance: number;
  heldCredits: number;
  /** The low-balance alert's state, read with the lock (low-balance.ts). */
  lowBalance: LowBalanceState;
  /** The auto top-up setting, read with the lock (billing/auto-top-up/trigger.ts); null when never set. */
  autoTopUp: AutoTopUpState | null;
}

export function assertCreditAmount(amount: number, { allowZero = false } = {}): void {
  if (!Number.isSafeInteger(amount) || (allowZero ? amount < 0 : amount <= 0) || amount > 2_000_000_000) {
    throw new InvalidAmountError(amount);
  }
}

/** What the user can commit right now: owned credits not held by in-flight work, never negative. */
export function spendableCredits(account: { balance: number; heldCredits: number }): number {
  return Math.max(account.balance - account.heldCredits, 0);
}

/**
 * Throws InsufficientCreditsError unless `amount` fits in the (locked) account's spendable credits.
 * The error carries the locked row's numbers, so what the paywall shows is what refused.
 */
export function assertSpendable(account: LockedAccount, amount: number): void {
  const spendable = spendableCredits(account);
  if (spendable < amount)
    throw new InsufficientCreditsError(amount, spendable, account.heldCredits, account.balance, account.teamId);
}

/** The account row as lockAccount reads it (also the first step of the one-statement write, one-statement-write.ts). */
export type LockedAccountRow = { balance: number; heldCredits: number } & LowBalanceRow & AutoTopUpRow;

/**
 * The hook columns of a pool's row: a pool has no low-balance alert and no auto top-up (both are a
 * person's settings), so hooksWouldActSql is false over it and appendEntry's hooks never act on it.
 */
export const POOL_HOOK_COLUMNS = Prisma.sql`false AS "lowBalanceAlerts", NULL::int AS "lowBalanceThreshold",
  false AS "lowBalanceAlerted", NULL::int AS "lastPackCredits", NULL::boolean AS "autoTopUpEnabled",
  NULL::int AS "autoTopUpThreshold", NULL::text AS "autoTopUpPackId", NULL::int AS "autoTopUpMonthlyLimit",
  NULL::text AS "autoTopUpInFlight"`;

/**
 * Selects and locks the account row with everything appendEntry's hooks need: the User row, or the
 * Team row when `teamId` is set (a pool).
 */
export function selectLockedAccount(userId: string, teamId?: string | null): Prisma.Sql {
  if (teamId) {
    return Prisma.sql`
      SELECT t.balance, t."heldCredits", ${POOL_HOOK_COLUMNS} FROM "Team" t WHERE t.id = ${teamId} FOR UPDATE OF t`;
  }
  return Prisma.sql`
    SELECT u.balance, u."heldCredits", ${LOW_BALANCE_COLUMNS}, ${AUTO_TOP_UP_COLUMNS}
      FROM "User" u ${AUTO_TOP_UP_JOIN} WHERE u.id = ${userId} FOR UPDATE OF u`;
}

/**
 * Locks the account row for the rest of the transaction: every balance change goes through here.
 * With `teamId` it locks that team's pool (the Team row) for member `userId`; no membership check.
 */
export async function lockAccount(tx: Tx, userId: string, teamId?: string | null): Promise<LockedAccount> {
  const rows = await tx.$queryRaw<LockedAccountRow[]>(selectLockedAccount(userId, teamId));
  const row = rows[0];
  if (!row) throw teamId ? new TeamNotFoundError(teamId) : new AccountNotFoundError(userId);
  return {
    userId,
    teamId: teamId ?? null,
    balance: Number(row.balance),
    heldCredits: Number(row.heldCredits),
    lowBalance: lowBalanceStateFrom(row),
    autoTopUp: autoTopUpStateFrom(row),
  };
}

/** Who a ledger row belongs to: the user, and the pool when it is one. */
export interface AccountKey {
  userId: string;
  teamId?: string | null;
}

/** True when `entry` was written for `key` (same user, same account: their own or the same pool). */
export function entryBelongsTo(entry: Pick<CreditLedger, "userId" | "teamId">, key: AccountKey): boolean {
  return entry.userId === key.userId && (entry.teamId ?? null) === (key.teamId ?? null);
}

/** The entry already written for `ref`, checked to belong to `key`'s account. */
export async function findEntry(tx: DbOrTx, key: AccountKey, ref: LedgerRef): Promise<CreditLedger | null> {
  const existing = await tx.creditLedger.findUnique({
    where: { refType_refId: { refType: ref.refType, refId: ref.refId } },
  });
  if (existing && !entryBelongsTo(existing, key)) throw new LedgerRefConflictError(ref.refType, ref.refId);
  return existing;
}

/** Runs `run` once `db`'s transaction commits, or at once when `db` is the client (autocommit). */
export function afterCommit(db: DbOrTx, run: () => void): void {
  if (isTransaction(db)) onCommit(db, run);
  else run();
}

/**
 * True when a hook of appendEntry would act on a move from `before` to `after`, in SQL over a
 * selectLockedAccount row. The one-statement write moves a balance itself only when this is false
 * and otherwise leaves the write to appendEntry, so every hook appendEntry calls needs its condition here.
 */
export function hooksWouldActSql(before: Prisma.Sql, after: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${lowBalanceWouldActSql(before, after)} OR ${autoTopUpWouldActSql(before, after)})`;
}

/** Logs a ledger row that was written (call it once the write has committed). */
export function logLedgerWrite(entry: CreditLedger): void {
  logEvent("ledger_write", {
    userId: entry.userId,
    ...(entry.teamId ? { teamId: entry.teamId } : {}),
    entryId: entry.id,
    amount: entry.amount,
    balanceAfter: entry.balanceAfter,
    reason: entry.reason,
    ref: `${entry.refType}:${entry.refId}`,
  });
}

/**
 * Appends a ledger row and moves the account balance with it. The caller holds the account
 * lock (from lockAccount) and has checked the ref is new; the unique (refType, refId) index
 * is the final word, so a duplicate can never add a second row or move the balance twice.
 * A move across the low-balance threshold fires or re-arms the alert in the same transaction.
 * A pool's account (account.teamId) moves the Team row, and its rows carry the teamId; no hook acts on it.
 */
export async function appendEntry(tx: Tx, account: LockedAccount, write: LedgerWrite): Promise<LedgerResult> {
  const teamId = account.teamId;
  if ((write.teamId ?? null) !== teamId) throw new Error("appendEntry: the write is not for the locked account");
  const balanceAfter = account.balance + write.amount;
  const inserted = await tx.$queryRaw<CreditLedger[]>`
    INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId", note)
    VALUES (${randomUUID()}, ${write.userId}, ${teamId}, ${write.amount}, ${balanceAfter}, ${write.reason}::"LedgerReason",
            ${write.refType}, ${write.refId}, ${write.note ?? null})
    ON CONFLICT ("refType", "refId") DO NOTHING
    RETURNING *`;
  const entry = inserted[0];
  if (!entry) {
    const existing = await findEntry(tx, write, write);
    if (!existing) throw new LedgerRefConflictError(write.refType, write.refId);
    return { entry: existing, created: false };
  }
  if (teamId) {
    await tx.$executeRaw`UPDATE "Team" SET balance = ${balanceAfter}, "updatedAt" = now() WHERE id = ${teamId}`;
    account.balance = balanceAfter;
    onCommit(tx, () => logLedgerWrite(entry));
    return { entry, created: true, lowBalance: null };
  }
  await tx.$executeRaw`UPDATE "User" SET balance = ${balanceAfter}, "updatedAt" = now() WHERE id = ${write.userId}`;
  const balanceBefore = account.balance;
  account.balance = balanceAfter;
  const lowBalance = await trackLowBalance(tx, {
    userId: write.userId,
    before: balanceBefore,
    after: balanceAfter,
    state: account.lowBalance,
  });
  await triggerAutoTopUp(tx, account, { amount: write.amount, entryId: entry.id });
  onCommit(tx, () => logLedgerWrite(entry));
  return { entry, created: true, lowBalance };
}
