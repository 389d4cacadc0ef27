/**
 * One runner at a time per job, across every instance: a row per job in "JobLease", taken with
 * a single conditional upsert (so it works the same on PostgreSQL and the embedded PGlite, and
 * holds no transaction or connection open while the job runs). A holder that dies simply lets
 * its lease run out.
 */
import { randomUUID } from "node:crypto";

import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

export type LeaseOutcome<T> = { status: "ran"; result: T } | { status: "skipped"; reason: "leased" | "ran_recently" };

export interface LeaseOptions {
  /** How long the lease lasts if its holder never gives it back; longer than the job ever runs. */
  leaseMs: number;
  /** Skip when the job last finished less than this long ago (scheduled runs on many instances). */
  minIntervalMs?: number;
}

async function acquire(db: Db, name: string, holder: string, opts: LeaseOptions): Promise<boolean> {
  const now = new Date();
  const leasedUntil = new Date(now.getTime() + opts.leaseMs);
  const finishedBefore = new Date(now.getTime() - (opts.minIntervalMs ?? 0));
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "JobLease" (name, holder, "leasedUntil") VALUES (${name}, ${holder}, ${leasedUntil})
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, "leasedUntil" = EXCLUDED."leasedUntil"
     WHERE "JobLease"."leasedUntil" <= ${now}
       AND ("JobLease"."lastFinishedAt" IS NULL OR "JobLease"."lastFinishedAt" <= ${finishedBefore})
    RETURNING holder`;
  return rows[0]?.holder === holder;
}

async function whyNot(db: Db, name: string): Promise<"leased" | "ran_recently"> {
  const lease = await db.jobLease.findUnique({ where: { name } });
  return lease && lease.leasedUntil > new Date() ? "leased" : "ran_recently";
}

/** Runs `work` if this caller gets the job's lease; otherwise answers "skipped" without running it. */
export async function runExclusive<T>(
  db: Db,
  name: string,
  opts: LeaseOptions,
  work: () => Promise<T>,
): Promise<LeaseOutcome<T>> {
  const holder = randomUUID();
  if (!(await acquire(db, name, holder, opts))) return { status: "skipped", reason: await whyNot(db, name) };
  let finished = false;
  try {
    const result = await work();
    finished = true;
    return { status: "ran", result };
  } finally {
    const now = new Date();
    // If this write fails too, the lease simply runs out at leasedUntil.
    await db.jobLease
      .updateMany({ where: { name, holder }, data: { leasedUntil: now, ...(finished ? { lastFinishedAt: now } : {}) } })
      .catch((error: unknown) =>
        logEvent("job_lease_return_failed", { job: name, error: String((error as Error)?.message ?? error) }, "warn"),
      );
  }
}
