import type { LedgerReason } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";
import { decodeCursor, keysetAfterSql, toPage, type Page } from "~/server/pagination/keyset";

import { joinChatConversation } from "./chat-conversation-join";
import { CHECKOUT_REF_TYPE } from "./ref-types";

/** One row of a user's credit history, with what it paid for or came from. */
export interface LedgerEntry {
  id: string;
  amount: number;
  balanceAfter: number;
  reason: LedgerReason;
  refType: string;
  refId: string;
  note: string | null;
  createdAt: Date;
  /**
   * Chat rows (refType chat_message): the conversation of the reply they paid for, also when
   * that reply was since replaced by a regenerate or an edit; null once the conversation was
   * deleted. Always null for every other row.
   */
  conversation: { id: string; title: string } | null;
  /** Purchase rows (a paid Checkout Session): the pack bought; null for every other row. */
  packId: string | null;
}

export type HistoryPage = Page<LedgerEntry>;

interface HistoryRow extends Omit<LedgerEntry, "conversation"> {
  conversationId: string | null;
  conversationTitle: string | null;
}

/**
 * Newest first, keyset-paginated on (createdAt, id). An unreadable cursor starts from the top.
 * One query: the page of ledger rows (the (userId, createdAt, id) index), each joined to the
 * message and conversation a chat row paid for and to the purchase a checkout row credited. The
 * joins also require the row's own user, so a ref can never show someone else's conversation.
 */
export async function history(
  db: DbOrTx,
  userId: string,
  opts: { cursor?: string; limit: number },
): Promise<HistoryPage> {
  const after = opts.cursor ? decodeCursor(opts.cursor, 64) : null;
  const rows = await db.$queryRaw<HistoryRow[]>`
    WITH page AS (
      SELECT l.id, l."userId", l.amount, l."balanceAfter", l.reason, l."refType", l."refId", l.note, l."createdAt"
        FROM "CreditLedger" l
       WHERE l."userId" = ${userId} AND l."teamId" IS NULL
         ${keysetAfterSql(after)}
       ORDER BY l."createdAt" DESC, l.id DESC
       LIMIT ${opts.limit + 1}
    )
    SELECT p.id, p.amount, p."balanceAfter", p.reason::text AS reason, p."refType", p."refId", p.note, p."createdAt",
           c.id AS "conversationId", c.title AS "conversationTitle", pu."packId"
      FROM page p
      ${joinChatConversation("p", userId)}
      LEFT JOIN "Purchase" pu ON p."refType" = ${CHECKOUT_REF_TYPE} AND pu.id = p."refId" AND pu."userId" = p."userId"
     ORDER BY p."createdAt" DESC, p.id DESC`;
  const entries = rows.map(({ conversationId, conversationTitle, ...row }): LedgerEntry => ({
    ...row,
    conversation: conversationId !== null ? { id: conversationId, title: conversationTitle ?? "" } : null,
    packId: row.packId ?? null,
  }));
  return toPage(entries, opts.limit);
}

/** Credits spent on chat per UTC day for the last `days` days (today included), zero-filled, oldest first. */
export async function spentPerDay(
  db: DbOrTx,
  userId: string,
  days: number,
  now: Date = new Date(),
): Promise<{ day: string; spent: number }[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const rows = await db.$queryRaw<{ day: string; spent: bigint | number }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, SUM(-amount) AS spent
      FROM "CreditLedger"
     WHERE "userId" = ${userId} AND "teamId" IS NULL AND reason = 'chat_usage'::"LedgerReason" AND "createdAt" >= ${start}
     GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, Number(r.spent)]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day, spent: byDay.get(day) ?? 0 };
  });
}
