/**
 * The trigger: called by appendEntry after every ledger write, in its transaction and under the
 * account row lock. A write that removes credits (spend, settle, clawback) and leaves spendable
 * credits below the user's threshold starts one top-up when auto top-up is on, nothing is in
 * flight and this month's cap has room. "Nothing in flight" is a column on the user's one
 * AutoTopUp row, set by a conditional update: two top-ups can never be in flight at once, even
 * if the lock were bypassed. The charge itself runs after commit (kick.ts): no network here.
 */
import { onCommit, type Tx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";

import { findPack } from "../packs";
import { kickAutoTopUpCharge } from "./kick";
import { COUNTED_STATUSES, idempotencyKeyFor, monthStartUtc, TOP_UP_ID_PREFIX, type AutoTopUpState } from "./state";

export interface TriggerAccount {
  userId: string;
  /** After the write. */
  balance: number;
  heldCredits: number;
  autoTopUp: AutoTopUpState | null;
}

/** Top-ups of `userId` counted against this month's cap (see COUNTED_STATUSES). */
export function countTopUpsThisMonth(tx: Pick<Tx, "purchase">, userId: string, now = new Date()): Promise<number> {
  return tx.purchase.count({
    where: {
      userId,
      kind: "auto_top_up",
      createdAt: { gte: monthStartUtc(now) },
      status: { in: [...COUNTED_STATUSES] },
    },
  });
}

/** Returns the new top-up's purchase id, or null when this write starts none. */
export async function triggerAutoTopUp(
  tx: Tx,
  account: TriggerAccount,
  write: { amount: number; entryId: string },
): Promise<string | null> {
  const state = account.autoTopUp;
  if (!state?.enabled || state.inFlightPurchaseId !== null || write.amount >= 0) return null;
  const spendable = account.balance - account.heldCredits;
  if (spendable >= state.threshold) return null;
  const pack = findPack(state.packId);
  if (!pack) return null;
  if ((await countTopUpsThisMonth(tx, account.userId)) >= state.monthlyLimit) return null;

  const purchaseId = `${TOP_UP_ID_PREFIX}${write.entryId}`;
  const claimed = await tx.autoTopUp.updateMany({
    where: { userId: account.userId, enabled: true, inFlightPurchaseId: null },
    data: { inFlightPurchaseId: purchaseId },
  });
  if (claimed.count === 0) return null;
  state.inFlightPurchaseId = purchaseId;
  await tx.purchase.create({
    data: {
      id: purchaseId,
      kind: "auto_top_up",
      userId: account.userId,
      packId: pack.id,
      credits: pack.credits,
      amountTotal: pack.unitAmount,
      currency: pack.currency,
      triggerEntryId: write.entryId,
      triggerSpendable: spendable,
      idempotencyKey: idempotencyKeyFor(purchaseId),
    },
  });
  onCommit(tx, () => {
    logEvent("auto_top_up_triggered", { userId: account.userId, purchaseId, packId: pack.id, spendable });
    kickAutoTopUpCharge(purchaseId);
  });
  return purchaseId;
}
