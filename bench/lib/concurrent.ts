import { mean, percentile } from "./stats";

export interface PoolStats {
  perSec: number;
  p50: number;
  p99: number;
  meanMs: number;
  count: number;
  seconds: number;
}

/** Runs `fn` over `items` with at most `concurrency` in flight; timing of each call and overall rate. */
export async function runWithConcurrency<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<PoolStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await fn(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSec: items.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    meanMs: mean(latencies),
    count: items.length,
    seconds,
  };
}
