import type { CreditLedger } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";
import { keysetQuery, toPage, type Page } from "~/server/pagination/keyset";

export type HistoryPage = Page<CreditLedger>;

/** Newest first, keyset-paginated on (createdAt, id). An unreadable cursor starts from the top. */
export async function history(
  db: DbOrTx,
  userId: string,
  opts: { cursor?: string; limit: number },
): Promise<HistoryPage> {
  const { where, orderBy, take } = keysetQuery(opts.cursor, opts.limit, 64);
  const rows = await db.creditLedger.findMany({ where: { userId, ...where }, orderBy, take });
  return toPage(rows, opts.limit);
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
     WHERE "userId" = ${userId} AND reason = 'chat_usage'::"LedgerReason" AND "createdAt" >= ${start}
     GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, Number(r.spent)]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    return { day, spent: byDay.get(day) ?? 0 };
  });
}
