import type { Purchase } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";

export type PurchaseView = Pick<
  Purchase,
  "id" | "packId" | "credits" | "amountTotal" | "amountRefunded" | "currency" | "status" | "createdAt" | "creditedAt"
>;

export interface PurchasePage {
  items: PurchaseView[];
  nextCursor: string | null;
}

// Keyset on (createdAt, id): stable under inserts, and a cursor only ever selects the caller's rows.
function encodeCursor(row: Pick<Purchase, "createdAt" | "id">): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const match = /^(\d{1,15})_(.{1,255})$/.exec(cursor);
  if (!match) return null;
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** The user's purchases, newest first. An unreadable cursor starts from the top. */
export async function listPurchases(db: DbOrTx, userId: string, opts: { cursor?: string; limit: number }): Promise<PurchasePage> {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db.purchase.findMany({
    where: {
      userId,
      ...(after && { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    select: { id: true, packId: true, credits: true, amountTotal: true, amountRefunded: true, currency: true, status: true, createdAt: true, creditedAt: true },
  });
  const items = rows.slice(0, opts.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
}
