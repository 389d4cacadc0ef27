/**
 * Delivery in the running app: right after a commit that queued mail, and every 30 s for
 * retries (and for mail queued by another instance). One run at a time per process; runs never
 * sit on a request's path.
 */
import { db } from "~/server/db";
import { logEvent } from "~/server/log";

import { deliverDue, onMailQueued } from "./outbox";
import { appMailTransport } from "./transport";

const globalForMailer = globalThis as unknown as {
  tallyMailer?: { timer: NodeJS.Timeout; running: boolean; again: boolean };
};

function runOnce(): void {
  const state = globalForMailer.tallyMailer;
  const transport = appMailTransport();
  if (!state || !transport) return;
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        await deliverDue(db, transport);
      } while (state.again);
    } catch (error) {
      logEvent("mail_delivery_run_failed", { error: (error as Error).message }, "warn");
    } finally {
      state.running = false;
    }
  })();
}

export function startMailer(intervalMs = 30_000): void {
  if (globalForMailer.tallyMailer) return;
  if (!appMailTransport())
    logEvent("mail_not_configured", { hint: "set SMTP_URL; messages wait in the outbox" }, "warn");
  const timer = setInterval(runOnce, intervalMs);
  timer.unref();
  globalForMailer.tallyMailer = { timer, running: false, again: false };
  onMailQueued(() => setImmediate(runOnce));
  runOnce();
}
