/**
 * The server's scheduled jobs, one definition each, run the same way by the in-process schedule
 * (instrumentation) and by the cron endpoint: each under its lease, so any number of instances
 * and cron calls at once still run a job once at a time. Both jobs are idempotent on their own
 * (holds close once, the ledger ref is unique); the lease just keeps them from racing.
 */
import type Stripe from "stripe";

import { env } from "~/env";
import { backfillReceiptLinks, getStripe, reconcileCheckoutSessions } from "~/server/billing";
import { retryAutoTopUps } from "~/server/billing/auto-top-up/retry";
import { chatConfigFromEnv, chatHoldClosers, failOrphanedReplies, type SweepConfig } from "~/server/chat";
import { sweepStaleHolds } from "~/server/credits";
import { db as appDb, type Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { runExclusive, type LeaseOutcome } from "./lease";

export const JOB_NAMES = ["sweep-holds", "reconcile", "auto-top-up"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function isJobName(value: string): value is JobName {
  return (JOB_NAMES as readonly string[]).includes(value);
}

export interface JobDeps {
  db: Db;
  stripe: () => Stripe;
  chat: SweepConfig;
  /** How far back the reconcile looks for paid Checkout Sessions. */
  reconcileDays: number;
}

export function jobDepsFromEnv(): JobDeps {
  return { db: appDb, stripe: getStripe, chat: chatConfigFromEnv(), reconcileDays: env.JOB_RECONCILE_DAYS };
}

const LEASE_MS: Record<JobName, number> = {
  "sweep-holds": 5 * 60_000,
  reconcile: 30 * 60_000,
  "auto-top-up": 5 * 60_000,
};

const WORK: Record<JobName, (deps: JobDeps) => Promise<Record<string, number>>> = {
  async "sweep-holds"(deps) {
    const now = new Date();
    // Chat replies are settled from what they delivered, never released for nothing.
    const { closed: replies, released: others } = await sweepStaleHolds(deps.db, {
      now,
      closers: chatHoldClosers(deps.db, deps.chat),
    });
    await failOrphanedReplies(deps.db, deps.chat, { now });
    if (replies + others > 0) logEvent("stale_holds_closed", { replies, others });
    return { replies, others };
  },
  async reconcile(deps) {
    const { fulfilled, alreadyCredited, skipped, refundsApplied } = await reconcileCheckoutSessions(
      { db: deps.db, stripe: deps.stripe() },
      { days: deps.reconcileDays },
    );
    if (fulfilled + refundsApplied > 0) logEvent("reconcile_caught_up", { fulfilled, refundsApplied });
    // Purchases paid before receipt links were stored (or whose links were not ready) get them, a batch per run.
    const { backfilled: receiptLinksBackfilled } = await backfillReceiptLinks({ db: deps.db, stripe: deps.stripe() });
    return { fulfilled, alreadyCredited, skipped, refundsApplied, receiptLinksBackfilled };
  },
  // Top-ups whose charge a crash or an outage interrupted: charged again under the same idempotency key, or settled.
  async "auto-top-up"(deps) {
    const report = await retryAutoTopUps({ db: deps.db, stripe: deps.stripe });
    if (report.charged + report.settled + report.abandoned > 0) logEvent("auto_top_up_retried", { ...report });
    return { ...report };
  },
};

export type JobOutcome = { job: JobName } & LeaseOutcome<Record<string, number>>;

export async function runJob(deps: JobDeps, job: JobName, opts: { minIntervalMs?: number } = {}): Promise<JobOutcome> {
  return { job, ...(await runExclusive(deps.db, job, { leaseMs: LEASE_MS[job], ...opts }, () => WORK[job](deps))) };
}

/** The operator's `npm run credits -- release-stale-holds`: the same sweep, under the same lease. */
export async function sweepStaleHoldsNow(deps: JobDeps): Promise<string> {
  const outcome = await runJob(deps, "sweep-holds");
  if (outcome.status === "skipped")
    return `Skipped: another instance is sweeping (${outcome.reason}); try again in a minute.`;
  const { replies = 0, others = 0 } = outcome.result;
  return `Settled ${replies} stale chat repl${replies === 1 ? "y" : "ies"} from what they delivered; released ${others} other stale hold(s).`;
}
