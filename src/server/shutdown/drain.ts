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
  /** Other tracked work (webhook requests) waited for. */
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

  async function run(graceMs: number): Promise<DrainReport> {
    repliesSeen = replies.size;
    requestsSeen = requests.size;
    let stopped = 0;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"grace_over">((resolve) => (timer = setTimeout(() => resolve("grace_over"), graceMs)));
    // A reply admitted just before draining began can still register: loop until none is left.
    while (replies.size > 0) {
      const all = Promise.all([...replies].map((r) => settledOf(r.settled)));
      if ((await Promise.race([all, graceOver])) === "grace_over") break;
    }
    clearTimeout(timer);
    if (replies.size > 0) {
      const rest = [...replies];
      stopped = rest.length;
      logEvent("shutdown_stopping_replies", { count: stopped, graceMs }, "warn");
      for (const r of rest) r.stop();
      await Promise.all(rest.map((r) => settledOf(r.settled)));
    }
    while (requests.size > 0) await Promise.all([...requests]);
    return { finished: repliesSeen - stopped, stopped, requests: requestsSeen };
  }

  return {
    get draining() {
      return draining;
    },
    trackReply(reply) {
      if (draining) repliesSeen += 1;
      replies.add(reply);
      void settledOf(reply.settled).then(() => replies.delete(reply));
    },
    track(work) {
      if (draining) requestsSeen += 1;
      const done = settledOf(work).then(() => {
        requests.delete(done);
      });
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
