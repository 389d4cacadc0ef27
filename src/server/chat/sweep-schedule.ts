import { env } from "~/env";
import { releaseStaleHolds } from "~/server/credits";
import { db } from "~/server/db";
import { logEvent } from "~/server/log";

import { releaseStaleReplies } from "./sweep";

const globalForSweep = globalThis as unknown as { tallySweep?: NodeJS.Timeout };

/** Every minute: release expired chat holds (and mark their messages), then any other expired hold. */
export function startStaleHoldSweep(intervalMs = 60_000): void {
  if (globalForSweep.tallySweep) return;
  globalForSweep.tallySweep = setInterval(() => {
    void (async () => {
      try {
        const replies = await releaseStaleReplies(db, { ttlSeconds: env.HOLD_TTL_SECONDS });
        const others = await releaseStaleHolds(db);
        if (replies + others > 0) logEvent("stale_holds_released", { replies, others });
      } catch (error) {
        logEvent("stale_hold_sweep_failed", { error: (error as Error).message }, "warn");
      }
    })();
  }, intervalMs);
  globalForSweep.tallySweep.unref();
}
