/**
 * The one place an auto top-up's PaymentIntent becomes credits (or a failure, or a wait for the
 * payer). The charge step, the webhook (payment_intent.*), autoTopUp.confirm and the retry job all
 * pass the intent as Stripe returned it (never an event's copy). It must match the top-up Tally
 * recorded — purchase, user, amount, currency, customer — or nothing happens. The grant's ledger
 * ref is the PaymentIntent's id, so whatever the races and repeats there is one grant per intent.
 */
import type Stripe from "stripe";

import type { Purchase } from "~/generated/prisma/client";
import { AUTO_TOP_UP_REF_TYPE } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { creditPaidPurchase } from "../credit-purchase";
import { idOf } from "../fulfil-checkout-session";
import { receiptLinksOfPaymentIntent } from "../receipt-links";
import { failTopUp, offReasonOf, problemOf, recordPaymentIntent, topUpRequiresAction } from "./failure";
import { TOP_UP_ID_PREFIX } from "./state";

export type AutoTopUpOutcome =
  | { kind: "credited" | "already_credited"; purchase: Purchase }
  | { kind: "requires_action" | "failed" | "processing"; purchaseId: string }
  | { kind: "refused"; reason: string };

/** Why this intent must not move this top-up; null when it is exactly the charge Tally asked for. */
async function mismatch(db: Db, intent: Stripe.PaymentIntent, recorded: Purchase | null): Promise<string | null> {
  if (!recorded || recorded.kind !== "auto_top_up") return "no_top_up";
  if (intent.metadata?.kind !== "auto_top_up") return "not_auto_top_up";
  if (intent.metadata.userId !== recorded.userId) return "user_mismatch";
  if (intent.amount !== recorded.amountTotal || intent.currency?.toLowerCase() !== recorded.currency)
    return "amount_mismatch";
  if (recorded.paymentIntentId && recorded.paymentIntentId !== intent.id) return "payment_intent_mismatch";
  const user = await db.user.findUnique({ where: { id: recorded.userId }, select: { stripeCustomerId: true } });
  if (!user?.stripeCustomerId || idOf(intent.customer) !== user.stripeCustomerId) return "customer_mismatch";
  return null;
}

export async function fulfilAutoTopUp(db: Db, intent: Stripe.PaymentIntent): Promise<AutoTopUpOutcome> {
  const result = await settle(db, intent);
  if (result.kind === "refused") {
    logEvent("auto_top_up_refused", { paymentIntentId: intent.id, reason: result.reason }, "warn");
  } else if (result.kind === "credited") {
    logEvent("auto_top_up_credited", {
      userId: result.purchase.userId,
      purchaseId: result.purchase.id,
      paymentIntentId: intent.id,
      credits: result.purchase.credits,
    });
  }
  return result;
}

async function settle(db: Db, intent: Stripe.PaymentIntent): Promise<AutoTopUpOutcome> {
  const purchaseId = intent.metadata?.purchaseId;
  if (typeof purchaseId !== "string" || !purchaseId.startsWith(TOP_UP_ID_PREFIX))
    return { kind: "refused", reason: "not_auto_top_up" };
  // A Purchase row's owner, pack and amount never change, so this read needs no lock.
  const recorded = await db.purchase.findUnique({ where: { id: purchaseId } });
  const wrong = await mismatch(db, intent, recorded);
  if (wrong || !recorded) return { kind: "refused", reason: wrong ?? "no_top_up" };

  switch (intent.status) {
    case "succeeded": {
      if (intent.amount_received !== intent.amount) return { kind: "refused", reason: "amount_not_received" };
      const links = receiptLinksOfPaymentIntent(intent);
      return inTransaction(db, async (tx) => {
        const { created, purchase } = await creditPaidPurchase(tx, {
          purchaseId,
          userId: recorded.userId,
          credits: recorded.credits,
          ref: { refType: AUTO_TOP_UP_REF_TYPE, refId: intent.id },
          note: `${recorded.packId} pack (auto top-up)`,
          paymentIntentId: intent.id,
          links,
          facts: { failureCode: null, failureMessage: null },
        });
        await tx.autoTopUp.updateMany({
          where: { userId: recorded.userId, inFlightPurchaseId: purchaseId },
          data: { inFlightPurchaseId: null },
        });
        return { kind: created ? "credited" : "already_credited", purchase };
      });
    }
    case "requires_action":
      await recordPaymentIntent(db, purchaseId, intent.id);
      await topUpRequiresAction(db, purchaseId, {
        code: "authentication_required",
        message: "Your bank asks you to confirm this payment.",
        paymentIntentId: intent.id,
      });
      return { kind: "requires_action", purchaseId };
    case "requires_payment_method": {
      const problem = problemOf(intent);
      await recordPaymentIntent(db, purchaseId, intent.id);
      if (!problem) return { kind: "processing", purchaseId };
      if (intent.last_payment_error?.code === "authentication_required") {
        await topUpRequiresAction(db, purchaseId, problem);
        return { kind: "requires_action", purchaseId };
      }
      await failTopUp(db, purchaseId, offReasonOf(intent.last_payment_error?.code), problem);
      return { kind: "failed", purchaseId };
    }
    case "canceled":
      await failTopUp(db, purchaseId, "authentication_failed", {
        code: "canceled",
        message: "The payment was canceled before it completed.",
        paymentIntentId: intent.id,
      });
      return { kind: "failed", purchaseId };
    default:
      await recordPaymentIntent(db, purchaseId, intent.id);
      return { kind: "processing", purchaseId };
  }
}
