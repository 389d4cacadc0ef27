/**
 * The one place a paid Checkout Session becomes credits. The webhook, billing.confirm and the
 * reconciler all call fulfilCheckoutSession with the session as Stripe returned it (never an
 * event's copy); the ledger's unique ref (stripe_checkout_session:<id>) makes every repeat and
 * every race a no-op. Only a purchase billing.checkout recorded as pending can be credited, and
 * only when Stripe's session matches it in user, pack, price, amount and currency.
 */
import type { Purchase } from "~/generated/prisma/client";
import { CHECKOUT_REF_TYPE } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { findPack, packsFrom, type Pack } from "./packs";
import { creditPaidPurchase } from "./credit-purchase";
import { receiptLinksOf } from "./receipt-links";
import type { VerifiedCheckoutSession } from "./stripe-records";

export type FulfilResult =
  | { kind: "credited"; purchase: Purchase }
  | { kind: "already_credited"; purchase: Purchase }
  | { kind: "not_paid"; paymentStatus: string }
  | { kind: "refused"; reason: string };

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === "string" ? ref : ref.id;
}

/** Why this session must not be credited, or the pack and user when it is exactly what the app sold. */
export function sessionMismatch(
  session: VerifiedCheckoutSession,
  packs: Pack[],
): { reason: string } | { pack: Pack; userId: string } {
  if (session.mode !== "payment") return { reason: "not_payment_mode" };
  const userId = session.metadata?.userId;
  if (!userId || session.client_reference_id !== userId) return { reason: "user_mismatch" };
  const pack = findPack(session.metadata?.packId, packs);
  if (!pack) return { reason: "unknown_pack" };
  if (session.metadata?.credits !== String(pack.credits)) return { reason: "credits_mismatch" };
  if (session.amount_total !== pack.unitAmount || session.currency?.toLowerCase() !== pack.currency)
    return { reason: "amount_mismatch" };
  const items = session.line_items?.data;
  if (!items) return { reason: "line_items_missing" };
  const [item] = items;
  if (items.length !== 1 || session.line_items.has_more || item?.price?.id !== pack.priceId || item.quantity !== 1)
    return { reason: "price_mismatch" };
  return { pack, userId };
}

/** The pending row billing.checkout wrote must describe the same sale Stripe reports. */
function purchaseMismatch(row: Purchase, session: VerifiedCheckoutSession, pack: Pack, userId: string): string | null {
  if (row.userId !== userId) return "session_user_mismatch";
  if (row.packId !== pack.id || row.credits !== pack.credits) return "purchase_pack_mismatch";
  if (row.amountTotal !== session.amount_total || row.currency !== session.currency?.toLowerCase())
    return "purchase_amount_mismatch";
  return null;
}

export async function fulfilCheckoutSession(
  db: Db,
  session: VerifiedCheckoutSession,
  packs: Pack[] = packsFrom(),
): Promise<FulfilResult> {
  const result = await fulfil(db, session, packs);
  if (result.kind === "refused") {
    logEvent("checkout_fulfil_refused", { sessionId: session.id, reason: result.reason }, "warn");
  } else if (result.kind === "credited") {
    logEvent("checkout_fulfilled", {
      sessionId: session.id,
      userId: result.purchase.userId,
      credits: result.purchase.credits,
    });
  }
  return result;
}

async function fulfil(db: Db, session: VerifiedCheckoutSession, packs: Pack[]): Promise<FulfilResult> {
  const checked = sessionMismatch(session, packs);
  if ("reason" in checked) return { kind: "refused", reason: checked.reason };
  const { pack, userId } = checked;

  // A Purchase row's owner, pack and amount never change, so this read needs no lock.
  const recorded = await db.purchase.findUnique({ where: { id: session.id } });
  if (!recorded) return { kind: "refused", reason: "no_pending_purchase" };
  const mismatch = purchaseMismatch(recorded, session, pack, userId);
  if (mismatch) return { kind: "refused", reason: mismatch };
  if (session.payment_status !== "paid") return { kind: "not_paid", paymentStatus: session.payment_status };
  const links = receiptLinksOf(session);

  return inTransaction(db, async (tx) => {
    const { created, purchase } = await creditPaidPurchase(tx, {
      purchaseId: session.id,
      userId,
      credits: recorded.credits,
      ref: { refType: CHECKOUT_REF_TYPE, refId: session.id },
      note: `${pack.id} pack`,
      paymentIntentId: idOf(session.payment_intent),
      links,
    });
    return { kind: created ? "credited" : "already_credited", purchase };
  });
}
