/**
 * The whole ledger of one user as CSV, streamed. Columns are locale-independent (ISO-8601 UTC times,
 * integer amounts, English snake_case headers), the text is RFC 4180 (quoted where needed, CRLF line
 * ends) in UTF-8 with a byte-order mark so spreadsheet tools open it as UTF-8, and text cells that a
 * spreadsheet would run as a formula are defused. Rows are read one keyset page at a time, and only
 * when the reader asks for more, so memory stays bounded whatever the ledger's size.
 */
import type { DbOrTx } from "~/server/database/transaction";
import { keysetAfterSql } from "~/server/pagination/keyset";

import { joinChatConversation } from "./chat-conversation-join";
import { keysetCsvStream } from "./csv-stream";

export const LEDGER_CSV_COLUMNS = [
  "id",
  "created_at",
  "reason",
  "amount",
  "balance_after",
  "ref_type",
  "ref_id",
  "conversation_id",
  "model",
  "note",
] as const;

export const LEDGER_CSV_PAGE_SIZE = 1000;

/** Cells starting with these are run as formulas by Excel, LibreOffice and Google Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell: a formula-looking start gets a leading apostrophe; quoted when it holds `"`, `,`, CR or LF. */
export function textCell(value: string | null): string {
  if (value === null) return "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One number cell, written as is (a negative amount stays a number). */
export function numberCell(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError("Ledger amounts are integers.");
  return String(value);
}

export function ledgerCsvFilename(now: Date = new Date(), kind: "ledger" | "team-ledger" = "ledger"): string {
  return `tally-${kind}-${now.toISOString().slice(0, 10)}.csv`;
}

export interface LedgerCsvOptions {
  pageSize?: number;
}

interface LedgerCsvRow {
  id: string;
  createdAt: Date;
  reason: string;
  amount: number;
  balanceAfter: number;
  refType: string;
  refId: string;
  note: string | null;
  conversationId: string | null;
  model: string | null;
}

/**
 * One keyset page on (createdAt, id), newest first, as the history pages (src/server/pagination/keyset.ts),
 * with the conversation and model of the message a chat row paid for, joined only when that conversation
 * is the same user's. One parameterised statement per page: no per-page id list, nothing cached per page.
 */
function ledgerPage(db: DbOrTx, userId: string, after: { createdAt: Date; id: string } | null, take: number) {
  return db.$queryRaw<LedgerCsvRow[]>`
    SELECT l.id, l."createdAt", l.reason::text AS reason, l.amount, l."balanceAfter", l."refType", l."refId", l.note,
           c.id AS "conversationId", CASE WHEN c.id IS NULL THEN NULL ELSE m.model END AS model
      FROM "CreditLedger" l
      ${joinChatConversation("l", userId)}
     WHERE l."userId" = ${userId} AND l."teamId" IS NULL ${keysetAfterSql(after)}
     ORDER BY l."createdAt" DESC, l.id DESC
     LIMIT ${take}`;
}

/** A byte stream of the user's ledger, newest first (csv-stream.ts: one pull → one page, bounded memory). */
export function ledgerCsvStream(db: DbOrTx, userId: string, opts: LedgerCsvOptions = {}): ReadableStream<Uint8Array> {
  return keysetCsvStream({
    columns: LEDGER_CSV_COLUMNS,
    pageSize: opts.pageSize ?? LEDGER_CSV_PAGE_SIZE,
    readPage: (after, take) => ledgerPage(db, userId, after, take),
    cells: (row) => [
      textCell(row.id),
      row.createdAt.toISOString(),
      textCell(row.reason),
      numberCell(row.amount),
      numberCell(row.balanceAfter),
      textCell(row.refType),
      textCell(row.refId),
      textCell(row.conversationId),
      textCell(row.model),
      textCell(row.note),
    ],
  });
}

/** The response headers of a ledger download. */
export function ledgerCsvHeaders(now: Date = new Date(), kind: "ledger" | "team-ledger" = "ledger"): Headers {
  return new Headers({
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${ledgerCsvFilename(now, kind)}"`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  });
}
