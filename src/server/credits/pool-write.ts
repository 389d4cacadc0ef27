/**
 * A ledger write on a team pool as ONE statement, like one-statement-write.ts does for a user's own
 * account: lock the Team row, check the ref and (a spend) the member's gate and the pool's spendable
 * credits, insert the ledger row (teamId = the pool, userId = the member or buyer), move Team.balance.
 * A pool has no hooks (no low-balance alert, no auto top-up), so no pool write ever falls back to
 * appendEntry; inside a caller's transaction it is the same statement. Grants, clawbacks and
 * adjustments (purchases, refunds, disputes, the operator) need no membership.
 */
import { randomUUID } from "node:crypto";

import { Prisma, type CreditLedger } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";
import type { DbOrTx } from "~/server/database/transaction";
import { TeamNotFoundError } from "~/server/teams/errors";

import { afterCommit, entryBelongsTo, findEntry, logLedgerWrite, type LedgerResult, type LedgerWrite } from "./account";
import { LedgerRefConflictError } from "./errors";
import { ledgerRow } from "./one-statement-write";
import { countMemberUseSql } from "./member-limits";
import { poolGateSql, poolRefusal, type PoolGate, type PoolGateRow } from "./pool-gate";

type Outcome = { balance: number; heldCredits: number; refUsed: boolean; refused: boolean } & Partial<PoolGateRow> & {
    [K in keyof CreditLedger]: CreditLedger[K] | null;
  };

export type PoolWrite = LedgerWrite & { teamId: string };

/** Writes `write` on its pool. `withinSpendable` (a spend): gated (pool-gate.ts) and within the pool's spendable credits. */
export async function writePool(
  db: DbOrTx,
  write: PoolWrite,
  { withinSpendable }: { withinSpendable: boolean },
): Promise<LedgerResult> {
  const gate: PoolGate | null = withinSpendable
    ? { teamId: write.teamId, userId: write.userId, amount: -write.amount }
    : null;
  const required = gate ? gate.amount : 0;
  const after = Prisma.sql`(a.balance::bigint + ${write.amount}::int)`;
  const gated = gate !== null;
  // A member's chat spend counts against their limits; the write is gated, so the Team row is locked first.
  const countedSpend = Prisma.sql`(SELECT w."teamId", w."userId", 0 AS held,
    CASE WHEN w.reason = 'chat_usage'::"LedgerReason" AND w.amount < 0 THEN -w.amount ELSE 0 END AS spent FROM written w)`;
  const rows = await driverRows<Outcome>(
    db,
    Prisma.sql`
    WITH a AS (SELECT t.balance, t."heldCredits" FROM "Team" t WHERE t.id = ${write.teamId} FOR UPDATE),
    prior AS (SELECT * FROM "CreditLedger" WHERE "refType" = ${write.refType} AND "refId" = ${write.refId})
    ${gate ? poolGateSql("a", gate) : Prisma.empty},
    m AS (
      SELECT a.balance, a."heldCredits", ${after} AS after,
             EXISTS (SELECT 1 FROM prior) AS "refUsed",
             GREATEST(a.balance - a."heldCredits", 0) < ${required}::int AS refused
             ${gated ? Prisma.sql`, g.*` : Prisma.empty}
        FROM a ${gated ? Prisma.sql`, pool_gate g` : Prisma.empty}
    ),
    written AS (
      INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId", note)
      SELECT ${randomUUID()}, ${write.userId}, ${write.teamId}, ${write.amount}::int, m.after,
             ${write.reason}::"LedgerReason", ${write.refType}, ${write.refId}, ${write.note ?? null}
        FROM m WHERE NOT (m."refUsed" OR m.refused
                          ${gated ? Prisma.sql`OR m."notMember" OR m."limitRefused"` : Prisma.empty})
      ON CONFLICT ("refType", "refId") DO NOTHING
      RETURNING *
    ),
    moved AS (
      UPDATE "Team" t SET balance = w."balanceAfter", "updatedAt" = now() FROM written w WHERE t.id = w."teamId"
    )
    ${gated ? countMemberUseSql("counted", countedSpend, write) : Prisma.empty}
    SELECT m.*, e.*
      FROM m LEFT JOIN (SELECT * FROM written UNION ALL SELECT * FROM prior) e ON true`,
  );
  const row = rows[0];
  if (!row) throw new TeamNotFoundError(write.teamId);
  if (row.refUsed) {
    if (!entryBelongsTo(row as CreditLedger, write)) throw new LedgerRefConflictError(write.refType, write.refId);
    return { entry: ledgerRow(row), created: false };
  }
  const pool = { balance: Number(row.balance), heldCredits: Number(row.heldCredits) };
  if (gate) {
    const refusal = poolRefusal(gate, row as PoolGateRow, pool);
    if (refusal) throw refusal;
  }
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
