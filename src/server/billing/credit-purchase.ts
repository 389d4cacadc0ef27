/**
 * The one rule for a paid purchase, whichever way it was paid (Checkout, an auto top-up's
 * PaymentIntent): grant its credits under a ledger ref unique to the payment (so every repeat and
 * race is a no-op), then move it to paid with when it was credited, its PaymentIntent and its
 * receipt links. The caller has checked Stripe's record matches the purchase.
 */
import type { Purchase } from "~/generated/prisma/client";
import { grant, type LedgerRefType } from "~/server/credits";
import type { Tx } from "~/server/database/transaction";

import { movePurchase, type PurchaseFacts } from "./purchase-status";
import { receiptFacts, type ReceiptLinks } from "./receipt-links";

export interface PaidPurchase {
  purchaseId: string;
  userId: string;
  credits: number;
  ref: { refType: LedgerRefType; refId: string };
  note: string;
  paymentIntentId: string | null;
  links: ReceiptLinks;
  /** Anything else to record with the move (e.g. clearing a failure). */
  facts?: PurchaseFacts;
}

export async function creditPaidPurchase(
  tx: Tx,
  paid: PaidPurchase,
): Promise<{ created: boolean; purchase: Purchase }> {
  // grant locks the account row first, so everything below is serialised per user.
  const { created } = await grant(tx, {
    userId: paid.userId,
    amount: paid.credits,
    reason: "purchase",
    ...paid.ref,
    note: paid.note,
  });
  const current = await tx.purchase.findUniqueOrThrow({ where: { id: paid.purchaseId } });
  // A late duplicate for a refunded or disputed purchase leaves its status as it is (and may still fill in its receipt links).
  const purchase = await movePurchase(tx, current, "paid", {
    ...paid.facts,
    ...(current.paymentIntentId || !paid.paymentIntentId ? {} : { paymentIntentId: paid.paymentIntentId }),
    ...(current.creditedAt ? {} : { creditedAt: new Date() }),
    ...receiptFacts(current, paid.links),
  });
  return { created, purchase };
}
