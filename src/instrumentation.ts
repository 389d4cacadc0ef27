/**
 * Runs once when a Next.js server starts, before it serves a request.
 *
 * A production server with unsafe settings exits here (src/server/config/production-guard.ts).
 * Otherwise the scheduled jobs (stale-hold sweep, Stripe reconcile) go on their timers.
 * Serverless platforms, where no server lives that long, call /api/cron/<job> instead; both
 * paths run the jobs under the same lease. A production server shuts down gracefully on
 * SIGTERM (src/server/shutdown/on-sigterm.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitOnUnsafeProductionConfig } = await import("./server/config/production-guard");
  exitOnUnsafeProductionConfig();
  const [{ env }, { jobDepsFromEnv, startJobSchedule }] = await Promise.all([import("./env"), import("./server/jobs")]);
  const jobs = startJobSchedule(jobDepsFromEnv(), {
    "sweep-holds": env.JOB_SWEEP_INTERVAL_SECONDS * 1000,
    reconcile: env.JOB_RECONCILE_INTERVAL_SECONDS * 1000,
    // Interrupted auto top-ups are picked up as often as stale holds are swept.
    "auto-top-up": env.JOB_SWEEP_INTERVAL_SECONDS * 1000,
  });
  // Account mail waits in the outbox until this process (or another instance) delivers it.
  const [{ startMailer }, { startAccountHousekeeping }] = await Promise.all([
    import("./server/mail/mailer"),
    import("./server/auth/housekeeping"),
  ]);
  startMailer();
  startAccountHousekeeping();
  if (process.env.NODE_ENV !== "production") return;
  const [{ processDrain }, { takeOverSigterm }, { closeDbHandle }] = await Promise.all([
    import("./server/shutdown/drain"),
    import("./server/shutdown/on-sigterm"),
    import("./server/db"),
  ]);
  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  takeOverSigterm({
    drain: processDrain(),
    graceMs,
    beforeClose: () => jobs.stop(),
    closeDatabase: closeDbHandle,
    // A stopped reply's settle retries for up to CHAT_SETTLE_RETRY_SECONDS against a database outage.
    hardLimitMs: graceMs + env.CHAT_SETTLE_RETRY_SECONDS * 1000 + 10_000,
  });
}
