/**
 * A ledger write (grant, spend, clawback or adjust) as ONE SQL statement: lock the account row,
 * check the ref and the spendable credits, insert the ledger row, move the balance. Standalone (the
 * root client) it runs in autocommit: one round trip, and the account row stays locked only while
 * the database runs it, where an interactive transaction (lockAccount → findEntry → appendEntry)
 * holds it across six. Inside a caller's transaction (a purchase's fulfilment) it is one round trip
 * of that transaction instead of four, and its log line waits for the commit.
 *
 * Same guarantees: the lock is the same row lock (selectLockedAccount); the unique ref index is the
 * last word (ON CONFLICT), and the balance moves only with an inserted row. When one of appendEntry's
 * hooks would act on the move (a low-balance crossing: hooksWouldActSql, decided under the lock)
 * the statement writes nothing and returns null: that rare write goes through the transaction,
 * where the hooks run with it.
 */
import { randomUUID } from "node:crypto";

import { Prisma, type CreditLedger } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";
import type { DbOrTx } from "~/server/database/transaction";

import {
  afterCommit,
  entryBelongsTo,
  findEntry,
  hooksWouldActSql,
  logLedgerWrite,
  selectLockedAccount,
  spendableCredits,
  type LedgerResult,
  type LedgerWrite,
} from "./account";
import { AccountNotFoundError, InsufficientCreditsError, LedgerRefConflictError } from "./errors";

/** The locked account's numbers, what was decided, and the ledger row written or found (all null when none). */
type Outcome = {
  balance: number;
  heldCredits: number;
  refUsed: boolean;
  refused: boolean;
  hooks: boolean;
  alongsideRan: boolean;
} & {
  [K in keyof CreditLedger]: CreditLedger[K] | null;
};

/**
 * Another write that must happen with this one or not at all (a purchase moving to paid as its credits
 * are granted): one data-modifying statement with a RETURNING clause, given `proceed`, the SQL condition
 * under which the ledger write goes ahead, to put in its WHERE. It runs in the same statement, under the
 * account's lock, and the ledger row is written only if it returned a row. It must not write the
 * account's row itself: of two updates of one row in one statement PostgreSQL applies only one.
 */
export type Alongside = (proceed: Prisma.Sql) => Prisma.Sql;

/**
 * Writes `write` in one statement. `withinSpendable` (spend): refused unless the amount taken fits
 * in the spendable credits. Returns null when the write must go through appendEntry instead, and,
 * with `alongside`, whenever that statement returned no row (then nothing at all was written).
 */
export async function writeInOneStatement(
  db: DbOrTx,
  write: LedgerWrite,
  { withinSpendable, alongside }: { withinSpendable: boolean; alongside?: Alongside },
): Promise<LedgerResult | null> {
  const required = withinSpendable ? -write.amount : 0;
  const after = Prisma.sql`(a.balance::bigint + ${write.amount}::int)`;
  // Whether the ledger write goes ahead (decided in `m`, under the lock), and, with `alongside`, whether it ran.
  const goesAhead = Prisma.sql`NOT (m."refUsed" OR m.refused OR m.hooks)`;
  const alongsideRan = alongside ? Prisma.sql`EXISTS (SELECT 1 FROM along)` : Prisma.sql`true`;
  const along = alongside
    ? Prisma.sql`along AS (${alongside(Prisma.sql`EXISTS (SELECT 1 FROM m WHERE ${goesAhead})`)}),`
    : Prisma.empty;
  // `prior` reads the statement's snapshot, taken before the lock wait: a ref written meanwhile is
  // caught by ON CONFLICT instead (no row inserted, no balance moved) and read back below.
  const rows = await driverRows<Outcome>(
    db,
    Prisma.sql`
    WITH a AS (${selectLockedAccount(write.userId)}),
    prior AS (SELECT * FROM "CreditLedger" WHERE "refType" = ${write.refType} AND "refId" = ${write.refId}),
    m AS (
      SELECT a.balance, a."heldCredits", ${after} AS after,
             EXISTS (SELECT 1 FROM prior) AS "refUsed",
             GREATEST(a.balance - a."heldCredits", 0) < ${required}::int AS refused,
             ${hooksWouldActSql(Prisma.sql`a.balance`, after)} AS hooks
        FROM a
    ),
    ${along}
    written AS (
      INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId", note)
      SELECT ${randomUUID()}, ${write.userId}, ${write.amount}::int, m.after, ${write.reason}::"LedgerReason",
             ${write.refType}, ${write.refId}, ${write.note ?? null}
        FROM m WHERE ${goesAhead} AND ${alongsideRan}
      ON CONFLICT ("refType", "refId") DO NOTHING
      RETURNING *
    ),
    moved AS (
      UPDATE "User" u SET balance = w."balanceAfter", "updatedAt" = now() FROM written w WHERE u.id = w."userId"
    )
    SELECT m.balance, m."heldCredits", m."refUsed", m.refused, m.hooks,
           ${alongsideRan} AS "alongsideRan", e.*
      FROM m LEFT JOIN (SELECT * FROM written UNION ALL SELECT * FROM prior) e ON true`,
  );
  const row = rows[0];
  if (!row) throw new AccountNotFoundError(write.userId);
  if (!row.alongsideRan) return null;
  if (row.refUsed) {
    if (!entryBelongsTo(row as CreditLedger, write)) throw new LedgerRefConflictError(write.refType, write.refId);
    return { entry: ledgerRow(row), created: false };
  }
  if (row.refused) throw new InsufficientCreditsError(required, spendableCredits(row), row.heldCredits, row.balance);
  if (row.hooks) return null;
  if (row.id === null) {
    // Another write took the ref while this one waited for the lock.
    const existing = await findEntry(db, write, write);
    if (!existing) throw new LedgerRefConflictError(write.refType, write.refId);
    return { entry: existing, created: false };
  }
  const entry = ledgerRow(row);
  afterCommit(db, () => logLedgerWrite(entry));
  return { entry, created: true, lowBalance: null };
}

export function ledgerRow(row: { [K in keyof CreditLedger]: CreditLedger[K] | null }): CreditLedger {
  const { id, userId, teamId, amount, balanceAfter, reason, refType, refId, note, createdAt } = row as CreditLedger;
  return { id, userId, teamId, amount, balanceAfter, reason, refType, refId, note, createdAt };
}
