import type { Purchase } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";
import { keysetQuery, toPage, type Page } from "~/server/pagination/keyset";

export type PurchaseView = Pick<
  Purchase,
  "id" | "packId" | "credits" | "amountTotal" | "amountRefunded" | "currency" | "status" | "createdAt" | "creditedAt"
>;

export type PurchasePage = Page<PurchaseView>;

/** The user's purchases, newest first. An unreadable cursor starts from the top. */
export async function listPurchases(
  db: DbOrTx,
  userId: string,
  opts: { cursor?: string; limit: number },
): Promise<PurchasePage> {
  const { where, orderBy, take } = keysetQuery(opts.cursor, opts.limit, 255);
  const rows = await db.purchase.findMany({
    where: { userId, ...where },
    orderBy,
    take,
    select: {
      id: true,
      packId: true,
      credits: true,
      amountTotal: true,
      amountRefunded: true,
      currency: true,
      status: true,
      createdAt: true,
      creditedAt: true,
    },
  });
  return toPage(rows, opts.limit);
}
