/**
 * Money going back to the payer takes its credits back. Each charge.refunded carries the
 * charge's cumulative amount_refunded, so the target clawback is a pure function of it; only
 * the delta over what was already clawed back is written, under a ref unique to that refund
 * state. Duplicates and out-of-order partial refunds therefore never double-count. The webhook
 * passes the charge as Stripe returns it, so a forged refund event takes nothing. A team's
 * purchase is clawed back from the team's pool (which, like a user's balance, may go negative).
 */
import type Stripe from "stripe";

import type { Purchase } from "~/generated/prisma/client";
import { clawback, REFUND_REF_TYPE } from "~/server/credits";
import { lockAccount } from "~/server/credits/account";
import { inTransaction, onCommit, type Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";
import { recordTeamEvent } from "~/server/teams/audit";

import { idOf } from "./fulfil-checkout-session";
import { movePurchase } from "./purchase-status";

export type ClawbackOutcome = "clawed_back" | "nothing_to_claw_back" | "no_purchase" | "invalid_amounts";

/** Credits a refund of `refunded` (of `amount`) takes back from a purchase of `credits`. */
export function refundTarget(credits: number, refunded: number, amount: number): number {
  return amount > 0 ? Math.floor((credits * Math.min(refunded, amount)) / amount) : 0;
}

/**
 * Locks the account the purchase credited (the buyer's, or the team's pool: a purchase's teamId never changes),
 * then returns the purchase as of now (lock order: account → purchase, as in fulfilment).
 */
export async function lockPurchase(tx: Tx, paymentIntentId: string): Promise<Purchase | null> {
  const found = await tx.purchase.findUnique({ where: { paymentIntentId }, select: { userId: true, teamId: true } });
  if (!found) return null;
  await lockAccount(tx, found.userId, found.teamId);
  return tx.purchase.findUnique({ where: { paymentIntentId } });
}

export async function applyChargeRefund(db: Db, charge: Stripe.Charge): Promise<ClawbackOutcome> {
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return "no_purchase";
  const { amount, amount_refunded: refunded } = charge;
  if (
    !Number.isSafeInteger(amount) ||
    !Number.isSafeInteger(refunded) ||
    amount <= 0 ||
    refunded < 0 ||
    refunded > amount
  ) {
    return "invalid_amounts";
  }

  return inTransaction(db, async (tx) => {
    const purchase = await lockPurchase(tx, paymentIntentId);
    if (!purchase) return "no_purchase";
    const target = purchase.creditedAt ? refundTarget(purchase.credits, refunded, amount) : 0;
    const delta = target - purchase.creditsClawedBack;
    if (delta > 0) {
      await clawback(tx, {
        userId: purchase.userId,
        teamId: purchase.teamId,
        amount: delta,
        reason: "refund",
        refType: REFUND_REF_TYPE,
        refId: `${charge.id}:${refunded}`,
        note: `refund of ${purchase.id}`,
      });
    }
    const amountRefunded = Math.max(purchase.amountRefunded, refunded);
    const status = amountRefunded >= amount ? "refunded" : amountRefunded > 0 ? "partially_refunded" : purchase.status;
    // A disputed purchase keeps showing its dispute; the refund is still recorded.
    await movePurchase(tx, purchase, status, {
      amountRefunded,
      creditsClawedBack: Math.max(purchase.creditsClawedBack, target),
    });
    if (delta > 0 && purchase.teamId) {
      await recordTeamEvent(tx, {
        teamId: purchase.teamId,
        actorId: null,
        action: "credits_refunded",
        detail: { purchaseId: purchase.id, credits: delta, amountRefunded },
      });
    }
    onCommit(tx, () =>
      logEvent("purchase_refunded", {
        purchaseId: purchase.id,
        chargeId: charge.id,
        amountRefunded,
        clawedBack: Math.max(delta, 0),
      }),
    );
    return delta > 0 ? "clawed_back" : "nothing_to_claw_back";
  });
}
