import type { CreditLedger } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";

export interface HistoryPage {
  items: CreditLedger[];
  nextCursor: string | null;
}

// The cursor is the last row's (createdAt, id), so pages stay stable as new rows arrive and
// a cursor can only ever select rows of the user it is used with.
function encodeCursor(row: Pick<CreditLedger, "createdAt" | "id">): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const match = /^(\d{1,15})_(.{1,64})$/.exec(cursor);
  if (!match) return null;
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** Newest first, keyset-paginated on (createdAt, id). An unreadable cursor starts from the top. */
export async function history(db: DbOrTx, userId: string, opts: { cursor?: string; limit: number }): Promise<HistoryPage> {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db.creditLedger.findMany({
    where: {
      userId,
      ...(after && {
        OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
      }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  const items = rows.slice(0, opts.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
}

/** Credits spent on chat per UTC day for the last `days` days (today included), zero-filled, oldest first. */
export async function spentPerDay(db: DbOrTx, userId: string, days: number, now: Date = new Date()): Promise<{ day: string; spent: number }[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const rows = await db.$queryRaw<{ day: string; spent: bigint | number }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, SUM(-amount) AS spent
      FROM "CreditLedger"
     WHERE "userId" = ${userId} AND reason = 'chat_usage'::"LedgerReason" AND "createdAt" >= ${start}
     GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, Number(r.spent)]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day, spent: byDay.get(day) ?? 0 };
  });
}
