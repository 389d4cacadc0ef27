/** Hourly: drop session rows and account tokens that can never be used again, and week-old delivered mail. */
import { db } from "~/server/db";
import { logEvent } from "~/server/log";

import { deleteExpiredSessions } from "./sessions";

const globalForHousekeeping = globalThis as unknown as { tallyAccountHousekeeping?: NodeJS.Timeout };

const MAIL_KEPT_MS = 7 * 24 * 3_600_000;

export async function deleteDeadAccountRows(
  now = new Date(),
): Promise<{ sessions: number; tokens: number; mail: number }> {
  const sessions = await deleteExpiredSessions(db, now);
  const { count: tokens } = await db.accountToken.deleteMany({ where: { expiresAt: { lt: now } } });
  const { count: mail } = await db.mailOutbox.deleteMany({
    where: { status: { not: "pending" }, createdAt: { lt: new Date(now.getTime() - MAIL_KEPT_MS) } },
  });
  return { sessions, tokens, mail };
}

export function startAccountHousekeeping(intervalMs = 3_600_000): void {
  if (globalForHousekeeping.tallyAccountHousekeeping) return;
  globalForHousekeeping.tallyAccountHousekeeping = setInterval(() => {
    deleteDeadAccountRows().then(
      (removed) => removed.sessions + removed.tokens + removed.mail > 0 && logEvent("account_rows_removed", removed),
      (error: Error) => logEvent("account_housekeeping_failed", { error: error.message }, "warn"),
    );
  }, intervalMs);
  globalForHousekeeping.tallyAccountHousekeeping.unref();
}
