/**
 * Runs once when a Next.js server starts, before it serves a request.
 *
 * In production it first refuses unsafe settings (production-guard.ts): one line per problem on
 * stderr, then exit 1. `next build` also runs with NODE_ENV=production but with fake secrets, so
 * the guard skips the build phase.
 *
 * Replies whose process died mid-stream never settle; a periodic sweep releases their holds so
 * the credits become spendable again (the user is not charged for a reply that never finished).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build") {
    const [{ env }, { productionConfigProblems }] = await Promise.all([import("./env"), import("./server/config/production-guard")]);
    const problems = productionConfigProblems(env);
    if (problems.length > 0) {
      for (const problem of problems) console.error(`[tally] refusing to start: ${problem}`);
      process.exit(1);
    }
  }
  if (process.env.TALLY_SWEEP === "off") return;
  const { startStaleHoldSweep } = await import("./server/chat/sweep-schedule");
  startStaleHoldSweep();
}
