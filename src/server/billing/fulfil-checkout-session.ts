/**
 * The one place a paid Checkout Session becomes credits. The webhook, billing.confirm and the
 * reconciler all call fulfilCheckoutSession; the ledger's unique ref
 * (stripe_checkout_session:<id>) makes every repeat and every race a no-op.
 */
import type Stripe from "stripe";

import type { Purchase } from "~/generated/prisma/client";
import { grant } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { findPack, packsFrom, type Pack } from "./packs";

export const CHECKOUT_REF_TYPE = "stripe_checkout_session";

export type FulfilResult =
  | { kind: "credited"; purchase: Purchase }
  | { kind: "already_credited"; purchase: Purchase }
  | { kind: "not_paid"; paymentStatus: string }
  | { kind: "refused"; reason: string }
  | { kind: "unknown_user"; userId: string };

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === "string" ? ref : ref.id;
}

/** Why this session must not be credited, or null when it is exactly what the app sold. */
export function sessionMismatch(session: Stripe.Checkout.Session, packs: Pack[]): { reason: string } | { pack: Pack; userId: string } {
  if (session.mode !== "payment") return { reason: "not_payment_mode" };
  const userId = session.metadata?.userId;
  if (!userId || session.client_reference_id !== userId) return { reason: "user_mismatch" };
  const pack = findPack(session.metadata?.packId, packs);
  if (!pack) return { reason: "unknown_pack" };
  if (session.metadata?.credits !== String(pack.credits)) return { reason: "credits_mismatch" };
  if (session.amount_total !== pack.unitAmount || session.currency?.toLowerCase() !== pack.currency) return { reason: "amount_mismatch" };
  return { pack, userId };
}

export async function fulfilCheckoutSession(db: Db, session: Stripe.Checkout.Session, packs: Pack[] = packsFrom()): Promise<FulfilResult> {
  const result = await fulfil(db, session, packs);
  if (result.kind === "refused" || result.kind === "unknown_user") {
    logEvent("checkout_fulfil_refused", { sessionId: session.id, reason: result.kind === "refused" ? result.reason : "unknown_user" }, "warn");
  } else if (result.kind === "credited") {
    logEvent("checkout_fulfilled", { sessionId: session.id, userId: result.purchase.userId, credits: result.purchase.credits });
  }
  return result;
}

async function fulfil(db: Db, session: Stripe.Checkout.Session, packs: Pack[]): Promise<FulfilResult> {
  const checked = sessionMismatch(session, packs);
  if ("reason" in checked) return { kind: "refused", reason: checked.reason };
  const { pack, userId } = checked;
  if (session.payment_status !== "paid") return { kind: "not_paid", paymentStatus: session.payment_status };

  // A Purchase row's owner never changes, so this read needs no lock.
  const recorded = await db.purchase.findUnique({ where: { id: session.id }, select: { userId: true } });
  if (recorded && recorded.userId !== userId) return { kind: "refused", reason: "session_user_mismatch" };
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) return { kind: "unknown_user", userId };

  return inTransaction(db, async (tx) => {
    // grant locks the account row first, so everything below is serialised per user.
    const { created } = await grant(tx, {
      userId,
      amount: pack.credits,
      reason: "purchase",
      refType: CHECKOUT_REF_TYPE,
      refId: session.id,
      note: `${pack.id} pack`,
    });
    const existing = await tx.purchase.findUnique({ where: { id: session.id } });
    const paymentIntentId = idOf(session.payment_intent);
    const now = new Date();
    // Never downgrade a refunded/disputed purchase back to paid on a late duplicate.
    const settled = existing && !["pending", "failed", "expired"].includes(existing.status);
    const purchase = await tx.purchase.upsert({
      where: { id: session.id },
      create: {
        id: session.id,
        userId,
        packId: pack.id,
        credits: pack.credits,
        amountTotal: pack.unitAmount,
        currency: pack.currency,
        status: "paid",
        paymentIntentId,
        creditedAt: now,
      },
      update: {
        ...(settled ? {} : { status: "paid" as const }),
        ...(existing?.paymentIntentId ? {} : { paymentIntentId }),
        ...(existing?.creditedAt ? {} : { creditedAt: now }),
      },
    });
    return { kind: created ? "credited" : "already_credited", purchase };
  });
}
