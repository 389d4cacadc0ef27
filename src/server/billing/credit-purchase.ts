/**
 * The one rule for a paid purchase, whichever way it was paid (Checkout, an auto top-up's
 * PaymentIntent): grant its credits under a ledger ref unique to the payment (so every repeat and
 * race is a no-op), then move it to paid with when it was credited, its PaymentIntent and its
 * receipt links. The caller has checked Stripe's record matches the purchase. A team's purchase
 * credits the team's pool and writes its audit event (credits_purchased) in the same transaction.
 */
import type { Purchase } from "~/generated/prisma/client";
import { grant, type LedgerRefType } from "~/server/credits";
import type { Tx } from "~/server/database/transaction";
import { recordTeamEvent } from "~/server/teams/audit";

import { movePurchase, movePurchaseIfUnchanged, type PurchaseFacts } from "./purchase-status";
import { receiptFacts, type ReceiptLinks } from "./receipt-links";

export interface PaidPurchase {
  purchaseId: string;
  userId: string;
  /** The team whose pool the purchase is for (Purchase.teamId); null/absent: the buyer's own balance. */
  teamId?: string | null;
  credits: number;
  ref: { refType: LedgerRefType; refId: string };
  note: string;
  paymentIntentId: string | null;
  links: ReceiptLinks;
  /** Anything else to record with the move (e.g. clearing a failure). */
  facts?: PurchaseFacts;
  /** The purchase as the caller read it (unlocked): usually unchanged, so one conditional write replaces a re-read. */
  recorded?: Purchase;
}

export async function creditPaidPurchase(
  tx: Tx,
  paid: PaidPurchase,
): Promise<{ created: boolean; purchase: Purchase }> {
  // grant locks the account row (the user's, or the team's for a pool) first, so everything below is serialised per account.
  const { created } = await grant(tx, {
    userId: paid.userId,
    teamId: paid.teamId ?? null,
    amount: paid.credits,
    reason: "purchase",
    ...paid.ref,
    note: paid.note,
  });
  if (created && paid.teamId) {
    await recordTeamEvent(tx, {
      teamId: paid.teamId,
      actorId: paid.userId,
      action: "credits_purchased",
      detail: { purchaseId: paid.purchaseId, credits: paid.credits },
    });
  }
  const facts = (current: Purchase): PurchaseFacts => ({
    ...paid.facts,
    ...(current.paymentIntentId || !paid.paymentIntentId ? {} : { paymentIntentId: paid.paymentIntentId }),
    ...(current.creditedAt ? {} : { creditedAt: new Date() }),
    ...receiptFacts(current, paid.links),
  });
  if (paid.recorded) {
    const moved = await movePurchaseIfUnchanged(tx, paid.recorded, "paid", facts(paid.recorded));
    if (moved) return { created, purchase: moved };
  }
  const current = await tx.purchase.findUniqueOrThrow({ where: { id: paid.purchaseId } });
  // A late duplicate for a refunded or disputed purchase leaves its status as it is (and may still fill in its receipt links).
  const purchase = await movePurchase(tx, current, "paid", facts(current));
  return { created, purchase };
}
