import type { Prisma, Purchase } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";
import { keysetQuery, toPage, type Page } from "~/server/pagination/keyset";

import { receiptOrigins, renderableReceiptUrl } from "./receipt-links";

export type PurchaseView = Pick<
  Purchase,
  | "id"
  | "kind"
  | "triggerSpendable"
  | "failureMessage"
  | "packId"
  | "credits"
  | "amountTotal"
  | "amountRefunded"
  | "currency"
  | "status"
  | "createdAt"
  | "creditedAt"
  | "receiptUrl"
  | "invoicePdfUrl"
>;

export type PurchasePage = Page<PurchaseView>;

/** The user's own purchases (not those they made for a team), newest first. An unreadable cursor starts from the top. */
export function listPurchases(
  db: DbOrTx,
  userId: string,
  opts: { cursor?: string; limit: number },
): Promise<PurchasePage> {
  return purchasePage(db, { userId, teamId: null }, opts);
}

/** One page of the purchases `owner` selects (a user's own, or a team's), newest first. */
export async function purchasePage(
  db: DbOrTx,
  owner: Prisma.PurchaseWhereInput,
  opts: { cursor?: string; limit: number },
): Promise<PurchasePage> {
  const { where, orderBy, take } = keysetQuery(opts.cursor, opts.limit, 255);
  const rows = await db.purchase.findMany({
    where: { ...owner, ...where },
    orderBy,
    take,
    select: {
      id: true,
      kind: true,
      triggerSpendable: true,
      failureMessage: true,
      packId: true,
      credits: true,
      amountTotal: true,
      amountRefunded: true,
      currency: true,
      status: true,
      createdAt: true,
      creditedAt: true,
      receiptUrl: true,
      invoicePdfUrl: true,
    },
  });
  // Links are checked again on the way out (stored ones were checked on the way in): no stored URL is rendered blindly.
  const origins = receiptOrigins();
  return toPage(
    rows.map((row) => ({
      ...row,
      receiptUrl: renderableReceiptUrl(row.receiptUrl, origins),
      invoicePdfUrl: renderableReceiptUrl(row.invoicePdfUrl, origins),
    })),
    opts.limit,
  );
}
