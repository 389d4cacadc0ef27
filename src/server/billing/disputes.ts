/**
 * A dispute's credits follow Stripe's record of the dispute, not the event that mentions it:
 * every dispute event (created, funds_withdrawn, closed, funds_reinstated, in any order, any
 * number of times) retrieves the dispute and brings the purchase to match it. While the money
 * is with the payer the purchase's remaining credits are clawed back (ref stripe_dispute:<id>);
 * once the merchant has won, exactly what that clawback took is given back (ref
 * stripe_dispute_won:<id>), never more than the refunds recorded since still leave due. A team's
 * purchase moves the team's pool both ways, and each move is written to the team's audit log.
 */
import type Stripe from "stripe";

import type { Purchase, PurchaseStatus } from "~/generated/prisma/client";
import { clawback, DISPUTE_REF_TYPE, DISPUTE_WON_REF_TYPE, grant } from "~/server/credits";
import { inTransaction, onCommit, type Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";
import { recordTeamEvent } from "~/server/teams/audit";

import { idOf } from "./fulfil-checkout-session";
import { canMovePurchase, movePurchase, nextPurchaseStatus } from "./purchase-status";
import { lockPurchase, refundTarget, type ClawbackOutcome } from "./refunds";

export type DisputeOutcome = ClawbackOutcome | "reinstated" | "dispute_lost" | "dispute_won" | "unchanged";

type DisputeSide = "open" | "won" | "lost";

/** Where the money is: with the payer (open, lost) or back with the merchant (won, closed inquiries, prevented). */
export function disputeSide(status: Stripe.Dispute.Status): DisputeSide {
  switch (status) {
    case "won":
    case "warning_closed":
    case "prevented":
      return "won";
    case "lost":
      return "lost";
    default:
      return "open";
  }
}

const SIDE_STATUS: Record<DisputeSide, PurchaseStatus> = { open: "disputed", won: "dispute_won", lost: "dispute_lost" };

async function takeBack(tx: Tx, purchase: Purchase, disputeId: string): Promise<number> {
  const remaining = purchase.creditedAt ? purchase.credits - purchase.creditsClawedBack : 0;
  if (remaining <= 0) return 0;
  const { created } = await clawback(tx, {
    userId: purchase.userId,
    teamId: purchase.teamId,
    amount: remaining,
    reason: "dispute",
    refType: DISPUTE_REF_TYPE,
    refId: disputeId,
    note: `dispute of ${purchase.id}`,
  });
  return created ? remaining : 0;
}

async function giveBack(tx: Tx, purchase: Purchase, disputeId: string): Promise<number> {
  const taken = await tx.creditLedger.findUnique({
    where: { refType_refId: { refType: DISPUTE_REF_TYPE, refId: disputeId } },
  });
  if (!taken || taken.userId !== purchase.userId || taken.teamId !== purchase.teamId) return 0;
  const stillDue =
    purchase.creditsClawedBack - refundTarget(purchase.credits, purchase.amountRefunded, purchase.amountTotal);
  const amount = Math.min(-taken.amount, stillDue);
  if (amount <= 0) return 0;
  const { created } = await grant(tx, {
    userId: purchase.userId,
    teamId: purchase.teamId,
    amount,
    reason: "dispute_won",
    refType: DISPUTE_WON_REF_TYPE,
    refId: disputeId,
    note: `dispute won for ${purchase.id}`,
  });
  return created ? amount : 0;
}

/** Brings the purchase behind `dispute` (as Stripe returned it) to the dispute's current state. */
export async function applyDispute(db: Db, dispute: Stripe.Dispute): Promise<DisputeOutcome> {
  const paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) return "no_purchase";
  const side = disputeSide(dispute.status);

  return inTransaction(db, async (tx) => {
    const purchase = await lockPurchase(tx, paymentIntentId);
    if (!purchase) return "no_purchase";
    const target = SIDE_STATUS[side];
    if (!canMovePurchase(purchase.status, target)) {
      nextPurchaseStatus(purchase.id, purchase.status, target); // logs the refusal
      return "unchanged";
    }
    let clawedBack = 0;
    let reinstated = 0;
    if (side === "won") {
      reinstated = await giveBack(tx, purchase, dispute.id);
    } else {
      clawedBack = await takeBack(tx, purchase, dispute.id);
    }
    await movePurchase(tx, purchase, target, {
      creditsClawedBack: purchase.creditsClawedBack + clawedBack - reinstated,
    });
    if (purchase.teamId && (clawedBack > 0 || reinstated > 0)) {
      await recordTeamEvent(tx, {
        teamId: purchase.teamId,
        actorId: null,
        action: "credits_disputed",
        detail: { purchaseId: purchase.id, disputeStatus: dispute.status, clawedBack, reinstated },
      });
    }
    onCommit(tx, () =>
      logEvent("purchase_dispute", {
        purchaseId: purchase.id,
        disputeId: dispute.id,
        disputeStatus: dispute.status,
        status: target,
        clawedBack,
        reinstated,
      }),
    );
    if (clawedBack > 0) return "clawed_back";
    if (reinstated > 0) return "reinstated";
    if (side === "open") return "nothing_to_claw_back";
    return side === "won" ? "dispute_won" : "dispute_lost";
  });
}
