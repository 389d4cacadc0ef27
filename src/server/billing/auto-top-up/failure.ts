/**
 * A top-up that did not go through. A decline (or an expired, removed or missing card, or a
 * failed authentication) fails the purchase and turns auto top-up off with the reason: the next
 * spend starts nothing, so a bad card is charged once, never in a loop. A charge that needs the
 * payer (SCA) waits in requires_action until they authenticate (autoTopUp.authenticate). Each
 * move happens once under the account lock, and its mail is queued with it.
 */
import type Stripe from "stripe";

import { lockAccount } from "~/server/credits/account";
import { inTransaction, onCommit, type Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { movePurchase } from "../purchase-status";
import type { AutoTopUpOffReason } from "./contract";
import { queueTopUpMail } from "./notify";

export interface TopUpProblem {
  code: string;
  /** Stripe's message for the payer (e.g. "Your card has insufficient funds."); shown to the user. */
  message: string;
  paymentIntentId?: string | null;
}

const MAX_MESSAGE = 500;

function problemFacts(problem: TopUpProblem, current: { paymentIntentId: string | null }) {
  return {
    failureCode: problem.code.slice(0, 100),
    failureMessage: problem.message.slice(0, MAX_MESSAGE),
    ...(!current.paymentIntentId && problem.paymentIntentId ? { paymentIntentId: problem.paymentIntentId } : {}),
  };
}

/** Stripe's decline code → why auto top-up is off. */
export function offReasonOf(code: string | null | undefined): AutoTopUpOffReason {
  switch (code) {
    case "authentication_required":
    case "payment_intent_authentication_failure":
      return "authentication_failed";
    case "expired_card":
      return "card_expired";
    default:
      return "card_declined";
  }
}

/** Turns auto top-up off because of `purchaseId` (clearing it from in flight); the setting itself is kept. */
export async function turnOffFor(
  tx: Tx,
  userId: string,
  purchaseId: string | null,
  reason: AutoTopUpOffReason,
  message: string,
): Promise<void> {
  await tx.autoTopUp.updateMany({
    where: { userId, ...(purchaseId ? { inFlightPurchaseId: purchaseId } : {}) },
    data: {
      enabled: false,
      ...(purchaseId ? { inFlightPurchaseId: null } : {}),
      disabledReason: reason,
      disabledMessage: message.slice(0, MAX_MESSAGE),
      disabledAt: new Date(),
    },
  });
}

async function locked(tx: Tx, purchaseId: string) {
  const row = await tx.purchase.findUnique({ where: { id: purchaseId }, select: { userId: true } });
  if (!row) return null;
  await lockAccount(tx, row.userId);
  return tx.purchase.findUniqueOrThrow({ where: { id: purchaseId } });
}

/** Fails a pending or requires_action top-up, turns auto top-up off and tells the user. False when it had already ended. */
export async function failTopUp(
  db: Db | Tx,
  purchaseId: string,
  reason: AutoTopUpOffReason,
  problem: TopUpProblem,
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const current = await locked(tx, purchaseId);
    if (!current || (current.status !== "pending" && current.status !== "requires_action")) return false;
    await movePurchase(tx, current, "failed", problemFacts(problem, current));
    await turnOffFor(tx, current.userId, purchaseId, reason, problem.message);
    await queueTopUpMail(tx, current.userId, { kind: "failed", purchaseId, reason, credits: current.credits });
    onCommit(tx, () =>
      logEvent("auto_top_up_failed", { userId: current.userId, purchaseId, reason, code: problem.code }, "warn"),
    );
    return true;
  });
}

/** The bank asks the payer to authenticate: pending → requires_action, the user is told once. */
export async function topUpRequiresAction(db: Db, purchaseId: string, problem: TopUpProblem): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const current = await locked(tx, purchaseId);
    if (!current || current.status !== "pending") return false;
    await movePurchase(tx, current, "requires_action", problemFacts(problem, current));
    await queueTopUpMail(tx, current.userId, { kind: "requires_action", purchaseId, credits: current.credits });
    onCommit(tx, () => logEvent("auto_top_up_requires_action", { userId: current.userId, purchaseId }));
    return true;
  });
}

/** Records the PaymentIntent on the purchase as soon as it is known (status unchanged). */
export async function recordPaymentIntent(db: Db, purchaseId: string, paymentIntentId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const current = await locked(tx, purchaseId);
    if (current && !current.paymentIntentId) await movePurchase(tx, current, current.status, { paymentIntentId });
  });
}

/** The problem Stripe reports on an intent that did not succeed. */
export function problemOf(intent: Stripe.PaymentIntent): TopUpProblem | null {
  const error = intent.last_payment_error;
  if (!error) return null;
  return {
    code: error.decline_code ?? error.code ?? "card_declined",
    message: error.message ?? "The payment failed.",
    paymentIntentId: intent.id,
  };
}
