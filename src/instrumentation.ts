/**
 * Runs once when a Next.js server starts. Replies whose process died mid-stream never settle;
 * a periodic sweep releases their holds so the credits become spendable again (the user is
 * not charged for a reply that never finished).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Account mail waits in the outbox until this process (or another instance) delivers it.
  const { startMailer } = await import("./server/mail/mailer");
  startMailer();
  const { startAccountHousekeeping } = await import("./server/auth/housekeeping");
  startAccountHousekeeping();
  if (process.env.TALLY_SWEEP === "off") return;
  const { startStaleHoldSweep } = await import("./server/chat/sweep-schedule");
  startStaleHoldSweep();
}
