/**
 * The one rule for a paid purchase, whichever way it was paid (Checkout, an auto top-up's
 * PaymentIntent): grant its credits under a ledger ref unique to the payment (so every repeat and
 * race is a no-op), then move it to paid with when it was credited, its PaymentIntent and its
 * receipt links. The caller has checked Stripe's record matches the purchase. A team's purchase
 * credits the team's pool and writes its audit event (credits_purchased) in the same transaction.
 */
import type { Purchase } from "~/generated/prisma/client";
import { grant, grantAlongside, type CreditChange, type LedgerRefType } from "~/server/credits";
import { inTransaction, type DbOrTx, type Tx } from "~/server/database/transaction";
import { recordTeamEvent } from "~/server/teams/audit";

import {
  findPurchase,
  moveAlongside,
  movePurchase,
  movePurchaseIfUnchanged,
  type PurchaseFacts,
} from "./purchase-status";
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

/**
 * Credits `paid` and moves its purchase to paid: in one statement (grantAlongside) when the caller read
 * the purchase and it is unchanged since, otherwise in a transaction (the caller's, when given one).
 */
export async function creditPaidPurchase(
  db: DbOrTx,
  paid: PaidPurchase,
): Promise<{ created: boolean; purchase: Purchase }> {
  if (paid.recorded && !paid.teamId) {
    const move = moveAlongside(paid.recorded, "paid", factsFor(paid, paid.recorded));
    const granted = move && (await grantAlongside(db, grantOf(paid), move.alongside));
    if (move && granted) return { created: granted.created, purchase: move.moved };
    // It changed since it was read: in a storm of deliveries, mostly a twin crediting it meanwhile.
    const credited = await creditedMeanwhile(db, paid);
    if (credited) return { created: false, purchase: credited };
  }
  return inTransaction(db, (tx) => creditInTransaction(tx, paid));
}

/**
 * True when `current` (read without a lock) was credited and already holds everything crediting
 * `paid` would record: creditedAt is set only with the grant, and it, the PaymentIntent and the
 * receipt facts are only ever filled in, never cleared; a credited purchase can no longer move to
 * "paid" (it is paid, or refunded/disputed after). So what the read shows stays true under the
 * lock, and a transaction would change nothing.
 */
export function nothingLeftToWrite(paid: PaidPurchase, current: Purchase): boolean {
  return current.creditedAt !== null && Object.keys(factsFor(paid, current)).length === 0;
}

/** The purchase as it is now when nothing is left to write (no transaction needed to find that out); null otherwise. */
async function creditedMeanwhile(db: DbOrTx, paid: PaidPurchase): Promise<Purchase | null> {
  const current = await findPurchase(db, paid.purchaseId);
  return current && nothingLeftToWrite(paid, current) ? current : null;
}

function grantOf(paid: PaidPurchase): CreditChange & { reason: "purchase" } {
  return {
    userId: paid.userId,
    teamId: paid.teamId ?? null,
    amount: paid.credits,
    reason: "purchase",
    ...paid.ref,
    note: paid.note,
  };
}

/** What a move to paid records on `current`: anything the caller adds, and whichever of these it does not have yet. */
function factsFor(paid: PaidPurchase, current: Purchase): PurchaseFacts {
  return {
    ...paid.facts,
    ...(current.paymentIntentId || !paid.paymentIntentId ? {} : { paymentIntentId: paid.paymentIntentId }),
    ...(current.creditedAt ? {} : { creditedAt: new Date() }),
    ...receiptFacts(current, paid.links),
  };
}

async function creditInTransaction(tx: Tx, paid: PaidPurchase): Promise<{ created: boolean; purchase: Purchase }> {
  // grant locks the account row (the user's, or the team's for a pool) first, so everything below is serialised per account.
  const { created } = await grant(tx, grantOf(paid));
  if (created && paid.teamId) {
    await recordTeamEvent(tx, {
      teamId: paid.teamId,
      actorId: paid.userId,
      action: "credits_purchased",
      detail: { purchaseId: paid.purchaseId, credits: paid.credits },
    });
  }
  if (paid.recorded) {
    const moved = await movePurchaseIfUnchanged(tx, paid.recorded, "paid", factsFor(paid, paid.recorded));
    if (moved) return { created, purchase: moved };
  }
  const current = await tx.purchase.findUniqueOrThrow({ where: { id: paid.purchaseId } });
  // A late duplicate for a refunded or disputed purchase leaves its status as it is (and may still fill in its receipt links).
  const purchase = await movePurchase(tx, current, "paid", factsFor(paid, current));
  return { created, purchase };
}
