/**
 * The auto-top-up job (src/server/jobs): top-ups whose charge never finished — the process
 * stopped between the trigger's commit and Stripe's answer, Stripe was down, a webhook was lost —
 * are charged again or settled from Stripe's record. chargeAutoTopUp reuses the purchase's
 * idempotency key, so a PaymentIntent created before a crash comes back instead of a second one.
 * A top-up left waiting for the payer's authentication past ABANDON_AFTER_MS is canceled at
 * Stripe, which fails it and frees the slot.
 */
import Stripe from "stripe";

import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { chargeAutoTopUp } from "./charge";
import { fulfilAutoTopUp } from "./fulfil";
import { retrieveTopUpIntent } from "./intents";

/** A kick in progress is not raced: only top-ups at least this old are picked up. */
export const RETRY_MIN_AGE_MS = 60_000;
/** How long a top-up may wait for the payer to authenticate. */
export const ABANDON_AFTER_MS = 7 * 24 * 3_600_000;

export interface RetryReport {
  charged: number;
  settled: number;
  abandoned: number;
  errors: number;
}

export async function retryAutoTopUps(
  deps: { db: Db; stripe: () => Stripe },
  opts: { now?: Date; minAgeMs?: number; limit?: number } = {},
): Promise<RetryReport> {
  const now = opts.now ?? new Date();
  const candidates = await deps.db.purchase.findMany({
    where: {
      kind: "auto_top_up",
      status: { in: ["pending", "requires_action"] },
      createdAt: { lte: new Date(now.getTime() - (opts.minAgeMs ?? RETRY_MIN_AGE_MS)) },
    },
    orderBy: { createdAt: "asc" },
    take: opts.limit ?? 50,
    select: { id: true, status: true, paymentIntentId: true, createdAt: true },
  });
  const report: RetryReport = { charged: 0, settled: 0, abandoned: 0, errors: 0 };
  if (candidates.length === 0) return report; // no Stripe client needed (none on a server without billing)
  const live = { db: deps.db, stripe: deps.stripe() };
  for (const purchase of candidates) {
    try {
      const stale = now.getTime() - purchase.createdAt.getTime() > ABANDON_AFTER_MS;
      if (purchase.status === "requires_action" && purchase.paymentIntentId && stale) {
        await abandon(live, purchase.paymentIntentId);
        report.abandoned += 1;
      } else {
        await chargeAutoTopUp(live, purchase.id);
        if (purchase.paymentIntentId) report.settled += 1;
        else report.charged += 1;
      }
    } catch (error) {
      report.errors += 1;
      logEvent(
        "auto_top_up_retry_failed",
        { purchaseId: purchase.id, error: String((error as Error)?.message ?? error).slice(0, 200) },
        "warn",
      );
    }
  }
  return report;
}

async function abandon(deps: { db: Db; stripe: Stripe }, paymentIntentId: string): Promise<void> {
  try {
    await deps.stripe.paymentIntents.cancel(paymentIntentId, { cancellation_reason: "abandoned" });
  } catch (error) {
    // Already succeeded or canceled: Stripe's record below decides.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
  }
  const intent = await retrieveTopUpIntent(deps.stripe, paymentIntentId);
  if (intent) await fulfilAutoTopUp(deps.db, intent);
}
