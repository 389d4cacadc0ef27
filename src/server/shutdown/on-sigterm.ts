/**
 * SIGTERM for a production server: drain (drain.ts), stop the job timers, let Next close its
 * HTTP server (it waits for the requests still open), close the database, exit 0.
 *
 * Next's own SIGTERM listener (start-server.js, also in the standalone server.js) closes the
 * server at once and then exits 143. It is taken off here and called only after the drain; its
 * process.exit is then deferred until the database is closed and turned into exit 0, since a
 * drained shutdown is a clean one. Must be installed after Next registered its listener, which
 * is the case in instrumentation's register().
 */
import { logEvent } from "~/server/log";

import type { Drain } from "./drain";

export interface ShutdownPlan {
  drain: Drain;
  /** How long running replies may go on before they are stopped (SHUTDOWN_GRACE_SECONDS). */
  graceMs: number;
  /** After the drain, before the HTTP server closes: stop timers and the like. */
  beforeClose: () => Promise<void>;
  /** Last: close the database. */
  closeDatabase: () => Promise<void>;
  /** Past this the process exits 1 whatever is still running (the sweep settles what is left). */
  hardLimitMs: number;
}

type Listener = (...args: unknown[]) => void;

export function takeOverSigterm(plan: ShutdownPlan): void {
  const handOff = process.listeners("SIGTERM") as Listener[];
  for (const l of handOff) process.off("SIGTERM", l);
  let started = false;
  process.on("SIGTERM", () => {
    if (started) return; // repeated signals change nothing
    started = true;
    void shutDown(plan, handOff);
  });
}

async function shutDown(plan: ShutdownPlan, handOff: Listener[]): Promise<void> {
  const exit = process.exit.bind(process);
  const forced = setTimeout(() => {
    logEvent("shutdown_forced", { hardLimitMs: plan.hardLimitMs }, "error");
    exit(1);
  }, plan.hardLimitMs);
  forced.unref();

  const finish = async () => {
    try {
      await plan.closeDatabase();
    } catch (error) {
      logEvent("shutdown_close_failed", { error: String(error) }, "warn");
    }
    logEvent("shutdown_complete", {});
    exit(0);
  };

  logEvent("shutdown_started", { graceMs: plan.graceMs });
  try {
    const report = await plan.drain.drain(plan.graceMs);
    logEvent("shutdown_drained", { ...report });
    await plan.beforeClose();
  } catch (error) {
    logEvent("shutdown_drain_failed", { error: String(error) }, "error");
  }
  if (handOff.length === 0) return finish();
  process.exit = ((_code?: number) => {
    void finish();
  }) as typeof process.exit;
  for (const l of handOff) l("SIGTERM");
}
