/**
 * What a streaming reply has delivered so far, written to its message while it streams: the text
 * and the tokens it has cost (input once the provider was called, output as counted). If the
 * process dies or the database is down at settle time, the sweep settles from this instead of
 * charging nothing and losing the text. Writes are throttled to one per `intervalMs`, never more
 * than one in flight, and a failed write only logs: the stream never waits on the database.
 */
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import type { TokenUsage } from "./metering";

export interface Delivered extends TokenUsage {
  content: string;
}

export interface ProgressWriter {
  /** Records the latest state (read lazily, when it is written); written within `intervalMs`. */
  update(delivered: () => Delivered): void;
  /** Writes the latest state now (after any write in flight) and stops further writes. */
  flush(): Promise<void>;
  /** Stops further writes without writing (the settle wrote the final state). */
  close(): void;
}

export function createProgressWriter(db: Db, messageId: string, intervalMs: number): ProgressWriter {
  let latest: (() => Delivered) | null = null;
  let dirty = false;
  let closed = false;
  let lastWriteAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    timer = null;
    if (!dirty || !latest) return inFlight;
    const { content, inputTokens, outputTokens } = latest();
    dirty = false;
    lastWriteAt = Date.now();
    inFlight = inFlight.then(async () => {
      try {
        // Only while streaming: the settle's own write (same row, final status) always wins.
        await db.message.updateMany({
          where: { id: messageId, status: "streaming" },
          data: { content, inputTokens, outputTokens },
        });
      } catch (error) {
        logEvent(
          "chat_progress_write_failed",
          { messageId, error: String((error as Error)?.message ?? error) },
          "warn",
        );
      }
    });
    return inFlight;
  };

  return {
    update(delivered) {
      if (closed) return;
      latest = delivered;
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => void write(), Math.max(0, lastWriteAt + intervalMs - Date.now()));
      timer.unref?.();
    },
    async flush() {
      if (closed) return inFlight;
      closed = true;
      if (timer) clearTimeout(timer);
      await write();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
