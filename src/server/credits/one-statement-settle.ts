/**
 * settle() of a hold on a user's own account, standalone (not inside a caller's transaction), as ONE
 * SQL statement in autocommit, like one-statement-write.ts does for a ledger write: lock the hold,
 * then the account (the one lock order: hold → account), insert the charge's ledger row, close the
 * hold, move the balance and heldCredits. So the account row stays locked only while the database
 * runs it, where settle's transaction holds it across several round trips.
 *
 * Same guarantees as that transaction. The statement writes nothing and returns null — settle() then
 * takes its transaction, which handles every such case — when the hold is not an active hold on a
 * user's own account (settled before, released, missing, or on a team pool), when the charge would
 * make one of appendEntry's hooks act (a low-balance crossing, an auto top-up: decided under the
 * lock), or when the ref is already written (found in the statement's snapshot, or taken by a racing
 * write meanwhile: the ledger insert then inserts nothing, and the hold closes only with it).
 */
import { randomUUID } from "node:crypto";

import { AUTO_TOP_UP_COLUMNS, AUTO_TOP_UP_JOIN } from "~/server/billing/auto-top-up/state";
import { Prisma, type CreditLedger } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";
import type { Db } from "~/server/database/create-client";

import { hooksWouldActSql, logLedgerWrite } from "./account";
import type { SettleInput, SettleResult } from "./holds";
import { LOW_BALANCE_COLUMNS } from "./low-balance";
import { ledgerRow } from "./one-statement-write";

type Outcome = { charged: number; closed: boolean } & { [K in keyof CreditLedger]: CreditLedger[K] | null };

/**
 * `withSettle`: writes that belong with the settle (a reply's final message), as CTEs appended to the
 * statement (each starting with a comma), that read `closed` (one row with the hold's "settledAmount"
 * when the hold closes, none otherwise) to write only with it. They must not write the hold's or the
 * account's row: of two updates of one row in one statement PostgreSQL applies only one.
 */
export async function settleInOneStatement(
  db: Db,
  input: SettleInput,
  withSettle?: Prisma.Sql,
): Promise<SettleResult | null> {
  const after = Prisma.sql`(a.balance::bigint - h.charged)`;
  const rows = await driverRows<Outcome>(
    db,
    Prisma.sql`
    WITH h AS (
      SELECT id, "userId", amount, LEAST(${input.cost}::int, amount) AS charged FROM "CreditHold"
       WHERE id = ${input.holdId} AND status = 'active'::"HoldStatus" AND "teamId" IS NULL
         FOR UPDATE
    ), a AS (
      -- The account as the hooks would see it after the close: the hold's amount no longer held.
      SELECT u.balance, u."heldCredits" - h.amount AS "heldCredits", ${LOW_BALANCE_COLUMNS}, ${AUTO_TOP_UP_COLUMNS}
        FROM h, "User" u ${AUTO_TOP_UP_JOIN} WHERE u.id = h."userId" FOR UPDATE OF u
    ), m AS (
      SELECT h.id, h."userId", h.amount, h.charged, ${after} AS after,
             EXISTS (SELECT 1 FROM "CreditLedger" WHERE "refType" = ${input.refType} AND "refId" = ${input.refId})
               OR (h.charged > 0 AND ${hooksWouldActSql(Prisma.sql`a.balance`, after)}) AS blocked
        FROM h, a
    ), written AS (
      INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId", note)
      SELECT ${randomUUID()}, m."userId", -m.charged, m.after, 'chat_usage'::"LedgerReason", ${input.refType},
             ${input.refId}, ${input.note ?? null}
        FROM m WHERE m.charged > 0 AND NOT m.blocked
      ON CONFLICT ("refType", "refId") DO NOTHING
      RETURNING *
    ), closed AS (
      UPDATE "CreditHold" c SET status = 'settled'::"HoldStatus", "settledAmount" = m.charged, "closedAt" = now()
        FROM m
       WHERE c.id = m.id AND NOT m.blocked AND (m.charged = 0 OR EXISTS (SELECT 1 FROM written))
      RETURNING c.amount, c."userId", c."settledAmount"
    ), moved AS (
      UPDATE "User" u SET balance = COALESCE((SELECT w."balanceAfter" FROM written w), u.balance),
             "heldCredits" = u."heldCredits" - c.amount, "updatedAt" = now()
        FROM closed c WHERE u.id = c."userId"
    )${withSettle ?? Prisma.empty}
    SELECT m.charged, EXISTS (SELECT 1 FROM closed) AS closed, w.*
      FROM m LEFT JOIN written w ON true`,
  );
  const row = rows[0];
  if (!row?.closed) return null;
  const entry = row.id === null ? null : ledgerRow(row);
  if (entry) logLedgerWrite(entry);
  return { charged: Number(row.charged), entry };
}
