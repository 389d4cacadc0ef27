/**
 * `npm run stripe:reconcile`: credits paid Checkout Sessions whose webhook never arrived.
 * Safe to run any time and repeatedly: it only ever calls fulfilCheckoutSession.
 */
import type Stripe from "stripe";

import type { Db } from "~/server/db";

import { fulfilCheckoutSession, idOf } from "./fulfil-checkout-session";
import type { Pack } from "./packs";
import { markPendingPurchase } from "./purchase-status";
import { LIST_EXPAND, type VerifiedCheckoutSession } from "./stripe-records";
import { applyChargeRefund } from "./refunds";

export interface ReconcileReport {
  lines: string[];
  fulfilled: number;
  alreadyCredited: number;
  skipped: number;
  refundsApplied: number;
}

/** Refunds whose charge.refunded webhook was lost (or arrived before fulfilment) are applied from the charge's current state. */
async function catchUpRefund(deps: { db: Db; stripe: Stripe }, paymentIntentId: string): Promise<boolean> {
  const intent = await deps.stripe.paymentIntents.retrieve(paymentIntentId);
  const chargeId = idOf(intent.latest_charge);
  if (!chargeId) return false;
  const charge = await deps.stripe.charges.retrieve(chargeId);
  if (charge.amount_refunded <= 0) return false;
  return (await applyChargeRefund(deps.db, charge)) === "clawed_back";
}

export async function reconcileCheckoutSessions(
  deps: { db: Db; stripe: Stripe; packs?: Pack[] },
  opts: { days: number; now?: Date },
): Promise<ReconcileReport> {
  const since = Math.floor((opts.now ?? new Date()).getTime() / 1000) - Math.round(opts.days * 86_400);
  const report: ReconcileReport = { lines: [], fulfilled: 0, alreadyCredited: 0, skipped: 0, refundsApplied: 0 };

  for await (const listed of deps.stripe.checkout.sessions.list({
    created: { gte: since },
    limit: 100,
    expand: LIST_EXPAND,
  })) {
    const session = listed as VerifiedCheckoutSession;
    if (session.payment_status !== "paid") {
      if (session.status === "expired") {
        await markPendingPurchase(deps.db, session.id, "expired");
      }
      report.skipped += 1;
      report.lines.push(`skipped   ${session.id}  (${session.status ?? "unknown"}, ${session.payment_status})`);
      continue;
    }
    const result = await fulfilCheckoutSession(deps.db, session, deps.packs);
    switch (result.kind) {
      case "credited":
        report.fulfilled += 1;
        report.lines.push(
          `fulfilled ${session.id}  +${result.purchase.credits} credits to ${result.purchase.teamId ? `team ${result.purchase.teamId}` : result.purchase.userId}`,
        );
        break;
      case "already_credited":
        report.alreadyCredited += 1;
        report.lines.push(`ok        ${session.id}  already credited`);
        break;
      default:
        report.skipped += 1;
        report.lines.push(
          `skipped   ${session.id}  (${result.kind === "refused" ? `refused: ${result.reason}` : result.kind})`,
        );
        continue;
    }
    const paymentIntentId = result.purchase.paymentIntentId;
    if (paymentIntentId && (await catchUpRefund(deps, paymentIntentId))) {
      report.refundsApplied += 1;
      report.lines.push(`refund    ${session.id}  missed refund applied`);
    }
  }
  report.lines.push(
    `${report.fulfilled} fulfilled, ${report.alreadyCredited} already credited, ${report.skipped} skipped`,
  );
  return report;
}
