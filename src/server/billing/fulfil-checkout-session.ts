/**
 * The one place a paid Checkout Session becomes credits. The webhook, billing.confirm and the
 * reconciler all call fulfilCheckoutSession with the session as Stripe returned it (never an
 * event's copy); the ledger's unique ref (stripe_checkout_session:<id>) makes every repeat and
 * every race a no-op. Only a purchase billing.checkout recorded as pending can be credited, and
 * only when Stripe's session matches it in user, team, pack, price, amount and currency. A purchase
 * recorded for a team (Purchase.teamId) credits that team's pool; the row is the truth, and a session
 * whose metadata names another team (or none, or one where the row has none) is refused.
 */
import type { Purchase } from "~/generated/prisma/client";
import { CHECKOUT_REF_TYPE } from "~/server/credits";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { findPack, packsFrom, type Pack } from "./packs";
import { creditPaidPurchase, nothingLeftToWrite, type PaidPurchase } from "./credit-purchase";
import { findPurchase } from "./purchase-status";
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

/** Why this session must not be credited, or the pack, user and team when it is exactly what the app sold. */
export function sessionMismatch(
  session: VerifiedCheckoutSession,
  packs: Pack[],
): { reason: string } | { pack: Pack; userId: string; teamId: string | null } {
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
  return { pack, userId, teamId: session.metadata?.teamId || null };
}

/** The pending row billing.checkout wrote must describe the same sale Stripe reports. */
function purchaseMismatch(
  row: Purchase,
  session: VerifiedCheckoutSession,
  sold: { pack: Pack; userId: string; teamId: string | null },
): string | null {
  const { pack, userId, teamId } = sold;
  if (row.userId !== userId) return "session_user_mismatch";
  if (row.teamId !== teamId) return "session_team_mismatch";
  if (row.packId !== pack.id || row.credits !== pack.credits) return "purchase_pack_mismatch";
  if (row.amountTotal !== session.amount_total || row.currency !== session.currency?.toLowerCase())
    return "purchase_amount_mismatch";
  return null;
}

/**
 * True when nothing Stripe could say about this purchase's session would change it: credited, its
 * PaymentIntent recorded and its receipt links final (receiptLinksAt: all of them arrived, or the
 * backfill stopped waiting). These are only ever filled in, never cleared, so another event for the
 * session is already_credited, and the webhook need not ask Stripe first: the read decides what to
 * credit, and nothing is left to credit or record.
 */
export function creditedForGood(recorded: Purchase): boolean {
  return recorded.creditedAt !== null && recorded.paymentIntentId !== null && recorded.receiptLinksAt !== null;
}

/**
 * `recorded`: the purchase as the caller read it (the webhook reads it with its event-id lookup, to save
 * a round trip; findPurchase reads it the same way); read here otherwise.
 */
export async function fulfilCheckoutSession(
  db: Db,
  session: VerifiedCheckoutSession,
  packs: Pack[] = packsFrom(),
  recorded?: Purchase | null,
): Promise<FulfilResult> {
  const result = await fulfil(db, session, packs, recorded);
  if (result.kind === "refused") {
    logEvent("checkout_fulfil_refused", { sessionId: session.id, reason: result.reason }, "warn");
  } else if (result.kind === "credited") {
    logEvent("checkout_fulfilled", {
      sessionId: session.id,
      userId: result.purchase.userId,
      teamId: result.purchase.teamId,
      credits: result.purchase.credits,
    });
  }
  return result;
}

async function fulfil(
  db: Db,
  session: VerifiedCheckoutSession,
  packs: Pack[],
  prefetched: Purchase | null | undefined,
): Promise<FulfilResult> {
  const checked = sessionMismatch(session, packs);
  if ("reason" in checked) return { kind: "refused", reason: checked.reason };
  const { pack, userId } = checked;

  // A Purchase row's owner, pack and amount never change, so this read needs no lock.
  const recorded = prefetched === undefined ? await findPurchase(db, session.id) : prefetched;
  if (!recorded || recorded.id !== session.id) return { kind: "refused", reason: "no_pending_purchase" };
  const mismatch = purchaseMismatch(recorded, session, checked);
  if (mismatch) return { kind: "refused", reason: mismatch };
  if (session.payment_status !== "paid") return { kind: "not_paid", paymentStatus: session.payment_status };
  const paid: PaidPurchase = {
    purchaseId: session.id,
    userId,
    teamId: recorded.teamId,
    credits: recorded.credits,
    ref: { refType: CHECKOUT_REF_TYPE, refId: session.id },
    note: `${pack.id} pack`,
    paymentIntentId: idOf(session.payment_intent),
    links: receiptLinksOf(session),
    recorded,
  };
  // A repeat (a second event for the session, billing.confirm after the webhook): no lock, no transaction.
  if (nothingLeftToWrite(paid, recorded)) return { kind: "already_credited", purchase: recorded };

  const { created, purchase } = await creditPaidPurchase(db, paid);
  return { kind: created ? "credited" : "already_credited", purchase };
}
