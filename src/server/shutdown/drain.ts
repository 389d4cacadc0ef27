/**
 * What a shutting-down instance waits for. Chat replies register here when they start and
 * webhook requests while they run; `drain()` marks the process as draining, lets the running ones finish
 * for up to the grace period, then stops the rest (each settles what it delivered through its
 * own settle path) and waits for them and for the requests in flight.
 */
import { logEvent } from "~/server/log";

export interface DrainableReply {
  /** Stops generation; the reply then settles the usage so far. */
  stop(): void;
  /** Resolves (or rejects) once the reply is settled. */
  settled: Promise<unknown>;
}

export interface DrainReport {
  /** Replies that finished on their own during the grace period. */
  finished: number;
  /** Replies stopped at the end of the grace period (settled with what they delivered). */
  stopped: number;
  /** Other tracked work (webhook requests, messages being admitted) waited for. */
  requests: number;
}

export interface Drain {
  /**
   * Once true, new replies are refused (send-message.ts throws ServiceDrainingError). The drain
   * throws nothing itself: it is shared on globalThis between Next's separately bundled
   * instrumentation and routes, and an error class from the other bundle would fail the API
   * layer's `instanceof DomainError`.
   */
  readonly draining: boolean;
  trackReply(reply: DrainableReply): void;
  /** Runs `work` to the end even if draining begins meanwhile; the drain waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
  drain(graceMs: number): Promise<DrainReport>;
}

const settledOf = (p: Promise<unknown>): Promise<void> =>
  p.then(
    () => undefined,
    () => undefined,
  );

export function createDrain(): Drain {
  let draining = false;
  let started: Promise<DrainReport> | undefined;
  const replies = new Set<DrainableReply>();
  const requests = new Set<Promise<unknown>>();
  // Counted from the moment draining begins.
  let repliesSeen = 0;
  let requestsSeen = 0;

  const pending = () => [...[...replies].map((r) => settledOf(r.settled)), ...requests];

  async function run(graceMs: number): Promise<DrainReport> {
    repliesSeen = replies.size;
    requestsSeen = requests.size;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"grace_over">(
      (resolve) => (timer = setTimeout(() => resolve("grace_over"), graceMs)),
    );
    // Work admitted just before draining began (a message still reserving its credits) can
    // still register a reply: loop until nothing is left.
    let inGrace = true;
    while (inGrace && (replies.size > 0 || requests.size > 0)) {
      inGrace = (await Promise.race([Promise.all(pending()), graceOver])) !== "grace_over";
    }
    clearTimeout(timer);
    const stopped = new Set<DrainableReply>();
    if (replies.size > 0) logEvent("shutdown_stopping_replies", { count: replies.size, graceMs }, "warn");
    while (replies.size > 0 || requests.size > 0) {
      for (const r of replies) {
        if (stopped.has(r)) continue;
        stopped.add(r);
        r.stop();
      }
      await Promise.all(pending());
    }
    return { finished: repliesSeen - stopped.size, stopped: stopped.size, requests: requestsSeen };
  }

  return {
    get draining() {
      return draining;
    },
    trackReply(reply) {
      if (draining) repliesSeen += 1;
      replies.add(reply);
      reply.settled.then(
        () => void replies.delete(reply),
        () => void replies.delete(reply),
      );
    },
    track(work) {
      if (draining) requestsSeen += 1;
      // Removed in the first reaction to `work`, i.e. before its caller's `await` resumes.
      const done: Promise<void> = work.then(
        () => void requests.delete(done),
        () => void requests.delete(done),
      );
      requests.add(done);
      return work;
    },
    drain(graceMs) {
      draining = true;
      started ??= run(graceMs);
      return started;
    },
  };
}

const globalForDrain = globalThis as unknown as { tallyDrain?: Drain };

/** The process's one drain; on globalThis because Next bundles instrumentation and routes separately. */
export function processDrain(): Drain {
  globalForDrain.tallyDrain ??= createDrain();
  return globalForDrain.tallyDrain;
}
