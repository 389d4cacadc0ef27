/**
 * Open-loop load: operations start on a fixed schedule (every 1/rate s) whether or not earlier
 * ones have finished, as independent users do; a closed loop would slow down with the server and
 * hide its queueing. Latency counts from the scheduled start, so a harness that falls behind its
 * schedule is charged to the result (no coordinated omission), and the lag is reported too.
 */
import { percentile } from "./stats";

export interface OpOutcome {
  /** Server errors (5xx, a reply that ended in error) count apart from other failures. */
  serverError?: boolean;
}

export interface OpenLoopKind {
  name: string;
  /** Share of the schedule, relative to the other kinds' weights. */
  weight: number;
  /** Throws on any failure; `target` is the index of the instance this op is sent to. */
  run(target: number): Promise<OpOutcome | void>;
}

export interface KindStats {
  done: number;
  failed: number;
  serverErrors: number;
  p50: number;
  p99: number;
}

export interface OpenLoopStats {
  offeredPerSec: number;
  sent: number;
  /** Operations that succeeded per second, over the step (until the last one ended). */
  achievedPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
  serverErrors: number;
  /** Operations still running when the step's grace period ran out (counted as failed). */
  unfinished: number;
  /** Successes per target instance, per second of the step. */
  perTargetPerSec: number[];
  /** How late the harness started operations (p99 ms): a large value means the harness, not the server, fell behind. */
  sendLagP99: number;
  byKind: Map<string, KindStats>;
  firstErrors: string[];
}

export interface OpenLoopStep {
  ratePerSec: number;
  durationSec: number;
  kinds: OpenLoopKind[];
  /** Number of instances the ops are spread over, round-robin. */
  targets: number;
  /** How long to wait for stragglers after the last scheduled start. */
  graceSec: number;
}

/** Picks kinds in a fixed, shuffled-by-stride order so every step sends the same mix. */
function kindSequence(kinds: OpenLoopKind[], n: number): OpenLoopKind[] {
  const total = kinds.reduce((s, k) => s + k.weight, 0);
  const seq: OpenLoopKind[] = [];
  const credit = kinds.map(() => 0);
  for (let i = 0; i < n; i++) {
    // Smooth weighted round-robin: the kind furthest behind its share goes next.
    let best = 0;
    for (let k = 0; k < kinds.length; k++) {
      credit[k]! += kinds[k]!.weight;
      if (credit[k]! > credit[best]!) best = k;
    }
    credit[best]! -= total;
    seq.push(kinds[best]!);
  }
  return seq;
}

export async function runOpenLoop(step: OpenLoopStep): Promise<OpenLoopStats> {
  const n = Math.max(1, Math.round(step.ratePerSec * step.durationSec));
  const seq = kindSequence(step.kinds, n);
  const latencies: number[] = [];
  const lags: number[] = [];
  const perKind = new Map(step.kinds.map((k) => [k.name, { lat: [] as number[], failed: 0, serverErrors: 0 }]));
  const perTarget = Array.from({ length: step.targets }, () => 0);
  const firstErrors: string[] = [];
  let failed = 0;
  let serverErrors = 0;
  let pending = 0;
  let lastEnd = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();

  const launch = (i: number) => {
    const scheduled = started + (i * 1000) / step.ratePerSec;
    lags.push(performance.now() - scheduled);
    const kind = seq[i]!;
    const target = i % step.targets;
    const stats = perKind.get(kind.name)!;
    pending++;
    const p = kind
      .run(target)
      .then((outcome) => {
        const ms = performance.now() - scheduled;
        if (outcome?.serverError) {
          serverErrors++;
          stats.serverErrors++;
          failed++;
          stats.failed++;
          return;
        }
        latencies.push(ms);
        stats.lat.push(ms);
        perTarget[target]!++;
        lastEnd = performance.now();
      })
      .catch((error: unknown) => {
        failed++;
        stats.failed++;
        const text = error instanceof Error ? error.message : String(error);
        if (/\b5\d\d\b/.test(text)) {
          serverErrors++;
          stats.serverErrors++;
        }
        if (firstErrors.length < 3) firstErrors.push(`${kind.name}: ${text.slice(0, 200)}`);
      })
      .finally(() => {
        pending--;
        inFlight.delete(p);
      });
    inFlight.add(p);
  };

  // A coarse timer: every tick starts everything whose time has come.
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < n && started + (next * 1000) / step.ratePerSec <= now) launch(next++);
      if (next >= n) return resolve();
      setTimeout(tick, Math.min(5, Math.max(0, started + (next * 1000) / step.ratePerSec - now)));
    };
    tick();
  });
  const deadline = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), step.graceSec * 1000).unref());
  while (inFlight.size > 0) {
    if ((await Promise.race([Promise.race(inFlight), deadline])) === "timeout") break;
  }
  const unfinished = pending;
  const seconds = (Math.max(lastEnd, started + step.durationSec * 1000) - started) / 1000;
  const byKind = new Map<string, KindStats>();
  for (const [name, s] of perKind)
    byKind.set(name, {
      done: s.lat.length,
      failed: s.failed,
      serverErrors: s.serverErrors,
      p50: percentile(s.lat, 50),
      p99: percentile(s.lat, 99),
    });
  return {
    offeredPerSec: step.ratePerSec,
    sent: n,
    achievedPerSec: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failed: failed + unfinished,
    serverErrors,
    unfinished,
    perTargetPerSec: perTarget.map((c) => c / seconds),
    sendLagP99: percentile(lags, 99),
    byKind,
    firstErrors,
  };
}
