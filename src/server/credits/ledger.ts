/**
 * The credit ledger: every change to a balance is one append-only row, written in the same
 * transaction that moves the balance on the account row. Each write carries a ref
 * (refType + refId) that is unique in the database, so retries and races never double-count.
 */
import type { LedgerReason } from "~/generated/prisma/client";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";

import {
  appendEntry,
  assertCreditAmount,
  assertSpendable,
  findEntry,
  lockAccount,
  spendableCredits,
  type LedgerRef,
  type LedgerResult,
  type LedgerWrite,
} from "./account";
import { AccountNotFoundError } from "./errors";
import { writeInOneStatement, type Alongside } from "./one-statement-write";
import { writePool } from "./pool-write";
import { TeamNotFoundError } from "~/server/teams/errors";

export {
  limitUses,
  memberLimitUse,
  recountMemberUse,
  teamMemberUses,
  type LimitUse,
  type PeriodUse,
} from "./member-limits";

export interface CreditChange extends LedgerRef {
  userId: string;
  /**
   * Set: the change is on this team's pool, caused by member `userId` (a spend also checks that
   * they are a member and within their limits, under the pool's lock). Null/absent: the user's own balance.
   */
  teamId?: string | null;
  /** Always positive; the operation decides the sign. */
  amount: number;
  note?: string | null;
}

/**
 * Writes one ledger row under `write.ref` unless that ref is already written (then returns the
 * first entry, changing nothing). `withinSpendable`: refused unless the credits taken are spendable.
 * It is one statement (one-statement-write.ts), in autocommit or inside a caller's transaction,
 * unless a hook of appendEntry must run with it: then it is the locked read-check-append below.
 * A pool's write (write.teamId) is always one statement (pool-write.ts): a pool has no hooks.
 */
async function writeEntry(db: DbOrTx, write: LedgerWrite, withinSpendable = false): Promise<LedgerResult> {
  if (write.teamId) return writePool(db, { ...write, teamId: write.teamId }, { withinSpendable });
  const written = await writeInOneStatement(db, write, { withinSpendable });
  if (written) return written;
  return inTransaction(db, async (tx) => {
    const account = await lockAccount(tx, write.userId);
    const existing = await findEntry(tx, write, write);
    if (existing) return { entry: existing, created: false };
    if (withinSpendable) assertSpendable(account, -write.amount);
    return appendEntry(tx, account, write);
  });
}

/**
 * grant and `alongside` (another write that must happen with it) as one statement: both or neither
 * (one-statement-write.ts). Null when that statement wrote nothing (the ref already written, a hook to
 * run, `alongside` matched no row) or a pool's grant was asked: the caller does both in a transaction.
 */
export async function grantAlongside(
  db: DbOrTx,
  input: CreditChange & { reason: LedgerReason },
  alongside: Alongside,
): Promise<LedgerResult | null> {
  assertCreditAmount(input.amount);
  if (input.teamId) return null;
  return writeInOneStatement(db, input, { withinSpendable: false, alongside });
}

/** Adds credits. Idempotent by ref: a repeat returns the first entry and adds nothing. */
export async function grant(db: DbOrTx, input: CreditChange & { reason: LedgerReason }): Promise<LedgerResult> {
  assertCreditAmount(input.amount);
  return writeEntry(db, input);
}

/**
 * Removes credits the user chose to spend: never below zero and never into credits held by
 * in-flight work. Too few → InsufficientCreditsError. Idempotent by ref. From a pool (teamId):
 * only a member (else TeamNotFoundError), within each of their limits (else MemberLimitExceededError).
 */
export async function spend(db: DbOrTx, input: CreditChange & { reason?: LedgerReason }): Promise<LedgerResult> {
  assertCreditAmount(input.amount);
  return writeEntry(db, { ...input, reason: input.reason ?? "chat_usage", amount: -input.amount }, true);
}

/**
 * Takes back credits after money went back to the payer (refund, dispute). Unlike spend it
 * may leave the balance negative: the user then cannot spend until they top up.
 */
export async function clawback(
  db: DbOrTx,
  input: CreditChange & { reason: "refund" | "dispute" | "adjustment" },
): Promise<LedgerResult> {
  assertCreditAmount(input.amount);
  return writeEntry(db, { ...input, amount: -input.amount });
}

/** Operator correction with a required note; signed amount. */
export async function adjust(
  db: DbOrTx,
  input: Omit<CreditChange, "amount"> & { amount: number; note: string },
): Promise<LedgerResult> {
  assertCreditAmount(Math.abs(input.amount));
  return writeEntry(db, { ...input, reason: "adjustment" });
}

export interface Balance {
  balance: number;
  held: number;
  /** What the user can commit right now; never negative. */
  spendable: number;
}

/** A team pool's balance (O(1), the Team row). The caller checked membership. */
export async function getTeamBalance(db: DbOrTx, teamId: string): Promise<Balance> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { balance: true, heldCredits: true } });
  if (!team) throw new TeamNotFoundError(teamId);
  return { balance: team.balance, held: team.heldCredits, spendable: spendableCredits(team) };
}

/** O(1): reads the account row, never sums the ledger. */
export async function getBalance(db: DbOrTx, userId: string): Promise<Balance> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { balance: true, heldCredits: true } });
  if (!user) throw new AccountNotFoundError(userId);
  return { balance: user.balance, held: user.heldCredits, spendable: spendableCredits(user) };
}
