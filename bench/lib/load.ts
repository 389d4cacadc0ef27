import autocannon from "autocannon";

import { mean, median, percentile } from "./stats";

/** One load run's figures; latencies in ms. */
export interface LoadStats {
  reqPerSec: number;
  p50: number;
  p99: number;
  meanMs: number;
  total: number;
  /** Transport errors + timeouts + non-2xx answers: any of these fails the correctness check. */
  failures: number;
}

/** LoadStats from latencies collected by an in-process loop that ran for `seconds`. */
export function statsFromLatencies(latencies: number[], seconds: number, failures: number): LoadStats {
  return {
    reqPerSec: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    meanMs: latencies.length ? mean(latencies) : NaN,
    total: latencies.length,
    failures,
  };
}

export interface Measurable {
  name: string;
  run(durationSec: number): Promise<LoadStats>;
}

/**
 * `workers` concurrent loops, worker w making its call n as `once(w, n)` until the time is up; each
 * call that resolves is timed. One that rejects is a failure, unless `answered(error, w)` says the
 * rejection is an answer of the code under test (then it is timed like a success).
 */
export function closedLoop(
  name: string,
  workers: number,
  once: (worker: number, n: number) => Promise<void>,
  answered: (error: unknown, worker: number) => boolean = () => false,
): Measurable {
  return {
    name,
    async run(durationSec): Promise<LoadStats> {
      const latencies: number[] = [];
      let failures = 0;
      const started = performance.now();
      const end = started + durationSec * 1000;
      await Promise.all(
        Array.from({ length: workers }, async (_, worker) => {
          for (let n = 0; performance.now() < end; n++) {
            const t0 = performance.now();
            try {
              await once(worker, n);
              latencies.push(performance.now() - t0);
            } catch (error) {
              if (answered(error, worker)) latencies.push(performance.now() - t0);
              else failures++;
            }
          }
        }),
      );
      return statsFromLatencies(latencies, (performance.now() - started) / 1000, failures);
    },
  };
}

export interface HttpTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
  connections: number;
}

export function httpMeasurable(target: HttpTarget): Measurable {
  return {
    name: target.name,
    async run(durationSec) {
      const r = await autocannon({
        url: target.url,
        connections: target.connections,
        duration: durationSec,
        headers: target.headers,
        timeout: 30,
      });
      return {
        reqPerSec: r["2xx"] / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        meanMs: r.latency.mean,
        total: r["2xx"],
        failures: r.errors + r.timeouts + r.non2xx,
      };
    },
  };
}

export type Medians = LoadStats & { runs: number };

/**
 * Runs every measurable `runs` times, interleaved (A B C A B C …) so slow phases of a noisy
 * machine hit all of them alike, and returns each one's median figures. A short warm-up
 * first loads each route's code and fills the connection pools.
 */
export async function measureInterleaved(
  items: Measurable[],
  opts: { runs: number; durationSec: number; warmupSec: number },
): Promise<Map<string, Medians>> {
  for (const item of items) if (opts.warmupSec > 0) await item.run(opts.warmupSec);
  const samples = new Map<string, LoadStats[]>(items.map((i) => [i.name, []]));
  for (let run = 0; run < opts.runs; run++) {
    for (const item of items) samples.get(item.name)!.push(await item.run(opts.durationSec));
  }
  const out = new Map<string, Medians>();
  for (const [name, list] of samples) {
    out.set(name, {
      reqPerSec: median(list.map((s) => s.reqPerSec)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      meanMs: median(list.map((s) => s.meanMs)),
      total: list.reduce((n, s) => n + s.total, 0),
      failures: list.reduce((n, s) => n + s.failures, 0),
      runs: list.length,
    });
  }
  return out;
}
