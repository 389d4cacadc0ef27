/**
 * Runs once when a Next.js server starts, before it serves a request.
 *
 * A production server with unsafe settings exits here (src/server/config/production-guard.ts).
 * Replies whose process died mid-stream never settle; a periodic sweep releases their holds so
 * the credits become spendable again (the user is not charged for a reply that never finished).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnUnsafeProductionConfig } = await import("./server/config/production-guard");
    exitOnUnsafeProductionConfig();
    if (process.env.TALLY_SWEEP === "off") return;
    const { startStaleHoldSweep } = await import("./server/chat/sweep-schedule");
    startStaleHoldSweep();
  }
}
