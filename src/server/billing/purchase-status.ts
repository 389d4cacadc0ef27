/**
 * The one owner of a Purchase's status. Every status a purchase can move to is listed here with
 * the statuses it may come from; writers ask before they write, so an out-of-order or forged
 * event can never move a purchase backwards (a refunded or disputed purchase never becomes
 * "paid" again, a lost dispute is final).
 */
import type { PurchaseStatus } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

const ALLOWED_FROM: Record<PurchaseStatus, readonly PurchaseStatus[]> = {
  pending: [],
  // Stripe's own record says paid: a late async success wins over an earlier failed/expired mark.
  paid: ["pending", "failed", "expired"],
  failed: ["pending"],
  expired: ["pending"],
  // Only a session the app itself expired at Stripe (the buyer's cancel); Stripe never completes it after that.
  canceled: ["pending"],
  partially_refunded: ["paid", "partially_refunded", "dispute_won"],
  refunded: ["paid", "partially_refunded", "dispute_won"],
  // A dispute on a (partly) refunded charge is still a dispute.
  disputed: ["paid", "partially_refunded", "refunded"],
  // A dispute may be seen for the first time already closed (its created event late or lost).
  dispute_won: ["disputed", "paid", "partially_refunded", "refunded"],
  dispute_lost: ["disputed", "paid", "partially_refunded", "refunded"],
};

/** Whether `from → to` is a legal move (staying put is always legal). */
export function canMovePurchase(from: PurchaseStatus, to: PurchaseStatus): boolean {
  return from === to || ALLOWED_FROM[to].includes(from);
}

/** The statuses a purchase must be in to move to `to` (for conditional updates). */
export function statusesMovingTo(to: PurchaseStatus): PurchaseStatus[] {
  return [...ALLOWED_FROM[to]];
}

/** `to` when legal, otherwise `from` unchanged and the refusal logged. */
export function nextPurchaseStatus(purchaseId: string, from: PurchaseStatus, to: PurchaseStatus): PurchaseStatus {
  if (canMovePurchase(from, to)) return to;
  logEvent("purchase_transition_refused", { purchaseId, from, to }, "warn");
  return from;
}

/** Moves a purchase to `to` when its current status allows it (one conditional update); whether it moved. */
export async function movePurchaseStatus(db: Db, purchaseId: string, to: PurchaseStatus): Promise<boolean> {
  const { count } = await db.purchase.updateMany({ where: { id: purchaseId, status: { in: statusesMovingTo(to) } }, data: { status: to } });
  return count > 0;
}
