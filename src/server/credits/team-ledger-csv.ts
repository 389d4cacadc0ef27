/**
 * A team pool's whole ledger as CSV for its owner and admins, written like the personal one
 * (ledger-csv.ts: ISO UTC times, integer amounts, defused text, streamed a page at a time), with
 * the member who caused each row. No conversation column: members' conversations are their own.
 */
import type { DbOrTx } from "~/server/database/transaction";
import { keysetAfterSql } from "~/server/pagination/keyset";
import { requireTeamRole } from "~/server/teams/access";

import { keysetCsvStream } from "./csv-stream";
import { LEDGER_CSV_PAGE_SIZE, numberCell, textCell, type LedgerCsvOptions } from "./ledger-csv";
import { CHAT_REF_TYPE } from "./ref-types";

export const TEAM_LEDGER_CSV_COLUMNS = [
  "id",
  "created_at",
  "reason",
  "amount",
  "balance_after",
  "member_id",
  "member_name",
  "ref_type",
  "ref_id",
  "model",
  "note",
] as const;

interface TeamLedgerCsvRow {
  id: string;
  createdAt: Date;
  reason: string;
  amount: number;
  balanceAfter: number;
  memberId: string;
  memberName: string | null;
  refType: string;
  refId: string;
  model: string | null;
  note: string | null;
}

function teamLedgerPage(db: DbOrTx, teamId: string, after: { createdAt: Date; id: string } | null, take: number) {
  return db.$queryRaw<TeamLedgerCsvRow[]>`
    SELECT l.id, l."createdAt", l.reason::text AS reason, l.amount, l."balanceAfter",
           l."userId" AS "memberId", u.name AS "memberName", l."refType", l."refId", m.model, l.note
      FROM "CreditLedger" l
      JOIN "User" u ON u.id = l."userId"
      LEFT JOIN "Message" m ON l."refType" = ${CHAT_REF_TYPE} AND m.id = l."refId"
     WHERE l."teamId" = ${teamId} ${keysetAfterSql(after)}
     ORDER BY l."createdAt" DESC, l.id DESC
     LIMIT ${take}`;
}

/** Checks the caller may read the pool's ledger (a member: FORBIDDEN; anyone else: NOT_FOUND), then streams it. */
export async function teamLedgerCsvStream(
  db: DbOrTx,
  userId: string,
  teamId: string,
  opts: LedgerCsvOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  await requireTeamRole(db, teamId, userId, "admin");
  return keysetCsvStream({
    columns: TEAM_LEDGER_CSV_COLUMNS,
    pageSize: opts.pageSize ?? LEDGER_CSV_PAGE_SIZE,
    readPage: (after, take) => teamLedgerPage(db, teamId, after, take),
    cells: (row) => [
      textCell(row.id),
      row.createdAt.toISOString(),
      textCell(row.reason),
      numberCell(row.amount),
      numberCell(row.balanceAfter),
      textCell(row.memberId),
      textCell(row.memberName),
      textCell(row.refType),
      textCell(row.refId),
      textCell(row.model),
      textCell(row.note),
    ],
  });
}
