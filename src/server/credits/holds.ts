/**
 * Holds reserve credits for metered work whose final cost is known only afterwards (a chat
 * reply). A hold lowers the spendable balance at once; settle charges the actual cost (capped
 * at the hold) and frees the rest; release frees it all. Lock order is always hold → account.
 */
import { randomUUID } from "node:crypto";

import { Prisma, type CreditHold, type CreditLedger } from "~/generated/prisma/client";
import { commitWithoutFlush } from "~/server/database/commit-without-flush";
import type { Db } from "~/server/database/create-client";
import { driverRows } from "~/server/database/driver-rows";
import { inTransaction, isTransaction, type DbOrTx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";

import { TeamNotFoundError } from "~/server/teams/errors";

import {
  afterCommit,
  appendEntry,
  assertCreditAmount,
  POOL_HOOK_COLUMNS,
  spendableCredits,
  type LedgerRef,
  type LockedAccount,
} from "./account";
import { AccountNotFoundError, HoldNotActiveError, InsufficientCreditsError } from "./errors";
import { LOW_BALANCE_COLUMNS, lowBalanceStateFrom, type LowBalanceRow } from "./low-balance";
import { countMemberUseSql } from "./member-limits";
import { settleInOneStatement } from "./one-statement-settle";
import { poolGateSql, poolRefusal, type PoolGate, type PoolGateRow } from "./pool-gate";
import { AUTO_TOP_UP_COLUMNS, autoTopUpStateFrom, type AutoTopUpRow } from "~/server/billing/auto-top-up/state";

export interface ReserveInput extends LedgerRef {
  userId: string;
  /** Set: reserve this team's pool for member userId (membership and limits checked under the pool's lock). */
  teamId?: string | null;
  amount: number;
  ttlSeconds: number;
}

interface ReserveRow extends Partial<CreditHold> {
  accountBalance: number;
  accountHeld: number;
}

/**
 * Idempotent by ref: reserving the same ref twice returns the first hold. One statement (its
 * own transaction when `db` is not one): it locks the account row, inserts the hold only if the
 * spendable credits cover it (ON CONFLICT on the ref: a repeat or a racing twin inserts nothing)
 * and raises heldCredits only with an inserted hold. So the account lock is held for no round
 * trip of its own, and a refusal or a repeat writes nothing; they cost one more lookup.
 * `withHold`: the caller's writes that belong with a new hold, in this same statement: further
 * data-modifying CTEs (`, name AS (…)`) that select FROM `hold`, so they happen only with it.
 * With teamId it reserves that pool (Team.heldCredits) for member userId, gated like a spend
 * (pool-gate.ts): not a member → TeamNotFoundError, over a limit → MemberLimitExceededError.
 * Its own commit does not wait for the WAL flush (commit-without-flush.ts): a hold lost in a
 * database crash is a hold whose reply cannot settle, as when the app crashes mid-reply.
 */
export async function reserve(db: DbOrTx, input: ReserveInput, withHold?: Prisma.Sql): Promise<CreditHold> {
  assertCreditAmount(input.amount);
  const teamId = input.teamId;
  if (teamId)
    return reservePool(db, { ...input, teamId }, { teamId, userId: input.userId, amount: input.amount }, withHold);
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  const [row] = await driverRows<ReserveRow>(
    db,
    Prisma.sql`
    WITH account AS (
      SELECT u.id, u.balance, u."heldCredits" FROM "User" u WHERE u.id = ${input.userId} FOR UPDATE
    ), hold AS (
      INSERT INTO "CreditHold" (id, "userId", amount, "refType", "refId", "expiresAt")
      SELECT ${randomUUID()}, a.id, ${input.amount}::int, ${input.refType}, ${input.refId}, ${expiresAt}
        FROM account a WHERE a.balance - a."heldCredits" >= ${input.amount}::int
      ON CONFLICT ("refType", "refId") DO NOTHING
      RETURNING *
    ), held AS (
      UPDATE "User" u SET "heldCredits" = u."heldCredits" + h.amount, "updatedAt" = now()
        FROM hold h WHERE u.id = h."userId"
    )${withHold ?? Prisma.empty}
    SELECT h.*, a.balance AS "accountBalance", a."heldCredits" AS "accountHeld"
      FROM account a LEFT JOIN hold h ON true ${commitWithoutFlush(db)}`,
  );
  if (!row) throw new AccountNotFoundError(input.userId);
  const { accountBalance, accountHeld, ...fields } = row;
  if (fields.id) {
    const hold = fields as CreditHold;
    afterCommit(db, () =>
      logEvent("hold_reserved", {
        userId: input.userId,
        holdId: hold.id,
        amount: input.amount,
        ref: `${input.refType}:${input.refId}`,
      }),
    );
    return hold;
  }
  const existing = await db.creditHold.findUnique({
    where: { refType_refId: { refType: input.refType, refId: input.refId } },
  });
  if (existing) return existing;
  const account = { balance: Number(accountBalance), heldCredits: Number(accountHeld) };
  const spendable = spendableCredits(account);
  if (spendable < input.amount)
    throw new InsufficientCreditsError(input.amount, spendable, account.heldCredits, account.balance);
  // Neither refused nor a repeat: the ref's hold was deleted between the insert and the lookup.
  throw new HoldNotActiveError(`${input.refType}:${input.refId}`, "missing");
}

type PoolReserveRow = Partial<CreditHold> & PoolGateRow & { accountBalance: number; accountHeld: number };

/** reserve on a pool: the same one statement on the Team row, with the member's gate; the hold counts against their limits. */
async function reservePool(
  db: DbOrTx,
  input: ReserveInput & { teamId: string },
  gate: PoolGate,
  withHold?: Prisma.Sql,
): Promise<CreditHold> {
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  const [row] = await driverRows<PoolReserveRow>(
    db,
    Prisma.sql`
    WITH account AS (
      SELECT t.id, t.balance, t."heldCredits" FROM "Team" t WHERE t.id = ${input.teamId} FOR UPDATE
    ) ${poolGateSql("account", gate)},
    hold AS (
      INSERT INTO "CreditHold" (id, "userId", "teamId", amount, "refType", "refId", "expiresAt")
      SELECT ${randomUUID()}, ${input.userId}, a.id, ${input.amount}::int, ${input.refType}, ${input.refId}, ${expiresAt}
        FROM account a, pool_gate g
       WHERE a.balance - a."heldCredits" >= ${input.amount}::int AND NOT (g."notMember" OR g."limitRefused")
      ON CONFLICT ("refType", "refId") DO NOTHING
      RETURNING *
    ), held AS (
      UPDATE "Team" t SET "heldCredits" = t."heldCredits" + h.amount, "updatedAt" = now()
        FROM hold h WHERE t.id = h."teamId"
    ) ${countMemberUseSql("counted", Prisma.sql`(SELECT h."teamId", h."userId", 0 AS spent, h.amount AS held FROM hold h)`, gate)}${withHold ?? Prisma.empty}
    SELECT h.*, g.*, a.balance AS "accountBalance", a."heldCredits" AS "accountHeld"
      FROM account a CROSS JOIN pool_gate g LEFT JOIN hold h ON true ${commitWithoutFlush(db)}`,
  );
  if (!row) throw new TeamNotFoundError(input.teamId);
  if (row.id) {
    const hold = pickHold(row);
    afterCommit(db, () =>
      logEvent("hold_reserved", {
        userId: input.userId,
        teamId: input.teamId,
        holdId: hold.id,
        amount: input.amount,
        ref: `${input.refType}:${input.refId}`,
      }),
    );
    return hold;
  }
  const existing = await db.creditHold.findUnique({
    where: { refType_refId: { refType: input.refType, refId: input.refId } },
  });
  if (existing) return existing;
  const refusal = poolRefusal(gate, row, { balance: Number(row.accountBalance), heldCredits: Number(row.accountHeld) });
  if (refusal) throw refusal;
  throw new HoldNotActiveError(`${input.refType}:${input.refId}`, "missing");
}

function pickHold(row: Partial<CreditHold>): CreditHold {
  const { id, userId, teamId, amount, status, refType, refId, settledAmount, createdAt, expiresAt, closedAt } =
    row as CreditHold;
  return { id, userId, teamId, amount, status, refType, refId, settledAmount, createdAt, expiresAt, closedAt };
}

interface ClosedRow extends CreditHold, LowBalanceRow, AutoTopUpRow {
  accountBalance: number;
  accountHeld: number;
}

interface ClosedHold {
  hold: CreditHold;
  /** The account, locked, with the hold's amount already taken off heldCredits. */
  account: LockedAccount;
}

/**
 * Closes an active hold and frees its amount on the account, in one statement: the hold row is
 * locked first, then the account (the one lock order): the User row, or the Team row when the
 * hold is on a pool (its teamId), then the member's totals (a settle's charge is their spend; the
 * ledger row follows in the same transaction). A settle charges min(cost, amount).
 * Null when the hold was not active (already settled/released, or missing).
 */
async function closeHold(
  db: DbOrTx,
  holdId: string,
  close: { status: "settled"; cost: number } | { status: "released" },
): Promise<ClosedHold | null> {
  const settledAmount = close.status === "settled" ? Prisma.sql`LEAST(${close.cost}::int, amount)` : Prisma.sql`NULL`;
  const [row] = await db.$queryRaw<ClosedRow[]>`
    WITH closed AS (
      UPDATE "CreditHold"
         SET status = ${close.status}::"HoldStatus", "settledAmount" = ${settledAmount}, "closedAt" = now()
       WHERE id = ${holdId} AND status = 'active'::"HoldStatus"
      RETURNING *
    ), own AS (
      UPDATE "User" u SET "heldCredits" = u."heldCredits" - c.amount, "updatedAt" = now()
        FROM closed c LEFT JOIN "AutoTopUp" atu ON atu."userId" = c."userId"
       WHERE u.id = c."userId" AND c."teamId" IS NULL
      RETURNING u.balance AS "accountBalance", u."heldCredits" AS "accountHeld", ${LOW_BALANCE_COLUMNS},
                ${AUTO_TOP_UP_COLUMNS}
    ), pool AS (
      UPDATE "Team" t SET "heldCredits" = t."heldCredits" - c.amount, "updatedAt" = now()
        FROM closed c WHERE t.id = c."teamId"
      RETURNING t.balance AS "accountBalance", t."heldCredits" AS "accountHeld", ${POOL_HOOK_COLUMNS}
    ) ${countMemberUseSql(
      "counted",
      Prisma.sql`(SELECT c."teamId", c."userId", COALESCE(c."settledAmount", 0) AS spent, -c.amount AS held
                    FROM closed c, pool)`,
    )}
    SELECT c.*, a.* FROM closed c, (SELECT * FROM own UNION ALL SELECT * FROM pool) a`;
  if (!row) return null;
  const {
    accountBalance,
    accountHeld,
    lowBalanceAlerts,
    lowBalanceThreshold,
    lowBalanceAlerted,
    lastPackCredits,
    autoTopUpEnabled,
    autoTopUpThreshold,
    autoTopUpPackId,
    autoTopUpMonthlyLimit,
    autoTopUpInFlight,
    ...hold
  } = row;
  return {
    hold,
    account: {
      userId: hold.userId,
      teamId: hold.teamId,
      balance: Number(accountBalance),
      heldCredits: Number(accountHeld),
      lowBalance: lowBalanceStateFrom({ lowBalanceAlerts, lowBalanceThreshold, lowBalanceAlerted, lastPackCredits }),
      // The settle's ledger write may start an auto top-up (appendEntry): it needs the setting too.
      autoTopUp: autoTopUpStateFrom({
        autoTopUpEnabled,
        autoTopUpThreshold,
        autoTopUpPackId,
        autoTopUpMonthlyLimit,
        autoTopUpInFlight,
      }),
    },
  };
}

export interface SettleInput extends LedgerRef {
  holdId: string;
  /** The actual cost; charged up to the hold's amount. */
  cost: number;
  note?: string | null;
}

export interface SettleResult {
  charged: number;
  entry: CreditLedger | null;
}

/**
 * Charges the actual cost (≤ the hold) as one chat_usage ledger row under `ref`, and frees
 * the hold. Settling an already-settled hold returns what was charged the first time.
 * Standalone on a user's own account it is one statement (one-statement-settle.ts) unless a hook
 * of appendEntry must run with it; otherwise (a pool, inside a caller's transaction) a transaction.
 */
export async function settle(db: DbOrTx, input: SettleInput): Promise<SettleResult> {
  assertCreditAmount(input.cost, { allowZero: true });
  if (!isTransaction(db)) {
    const settled = await settleInOneStatement(db, input);
    if (settled) return settled;
  }
  return inTransaction(db, async (tx) => {
    const closed = await closeHold(tx, input.holdId, { status: "settled", cost: input.cost });
    if (!closed) {
      // A fresh statement: it sees whoever closed the hold first, even after this one's snapshot.
      const current = await tx.creditHold.findUnique({ where: { id: input.holdId } });
      if (!current) throw new HoldNotActiveError(input.holdId, "missing");
      if (current.status === "settled") {
        const entry = await tx.creditLedger.findUnique({
          where: { refType_refId: { refType: input.refType, refId: input.refId } },
        });
        return { charged: current.settledAmount ?? 0, entry };
      }
      throw new HoldNotActiveError(input.holdId, current.status);
    }
    const { hold, account } = closed;
    const charged = hold.settledAmount ?? 0;
    if (charged === 0) return { charged, entry: null };
    const { entry } = await appendEntry(tx, account, {
      userId: hold.userId,
      teamId: hold.teamId,
      amount: -charged,
      reason: "chat_usage",
      refType: input.refType,
      refId: input.refId,
      note: input.note ?? null,
    });
    return { charged, entry };
  });
}

/**
 * settle() with writes that must happen with it or not at all (`withSettle`, see settleInOneStatement),
 * as one statement. Null when the settle cannot be that statement (the hold is no longer active, is a
 * pool's, or the charge makes a hook act): nothing was written, and the caller settles through
 * settle()'s transaction with its writes beside it.
 */
export function settleWith(db: Db, input: SettleInput, withSettle: Prisma.Sql): Promise<SettleResult | null> {
  assertCreditAmount(input.cost, { allowZero: true });
  return settleInOneStatement(db, input, withSettle);
}

/** Frees the whole hold (one statement). Returns false when it was no longer active. */
export async function release(db: DbOrTx, holdId: string): Promise<boolean> {
  const closed = await closeHold(db, holdId, { status: "released" });
  if (!closed) return false;
  const { userId, teamId, amount } = closed.hold;
  afterCommit(db, () => logEvent("hold_released", { userId, ...(teamId ? { teamId } : {}), holdId, amount }));
  return true;
}
