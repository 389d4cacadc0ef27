import { releaseStaleHolds } from "~/server/credits";
import { db } from "~/server/db";
import { logEvent } from "~/server/log";

import { chatConfigFromEnv } from "./config";
import { CHAT_REF_TYPE } from "./reply-run";
import { settleStaleReplies } from "./sweep";

const globalForSweep = globalThis as unknown as { tallySweep?: NodeJS.Timeout };

/** Every minute: release expired chat holds (and mark their messages), then any other expired hold. */
export function startStaleHoldSweep(intervalMs = 60_000): void {
  if (globalForSweep.tallySweep) return;
  globalForSweep.tallySweep = setInterval(() => {
    void (async () => {
      try {
        const now = new Date();
        const replies = await settleStaleReplies(db, chatConfigFromEnv(), { now });
        const others = await releaseStaleHolds(db, now, { exceptRefTypes: [CHAT_REF_TYPE] });
        if (replies + others > 0) logEvent("stale_holds_released", { replies, others });
      } catch (error) {
        logEvent("stale_hold_sweep_failed", { error: (error as Error).message }, "warn");
      }
    })();
  }, intervalMs);
  globalForSweep.tallySweep.unref();
}
