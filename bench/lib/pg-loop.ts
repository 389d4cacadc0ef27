import pg from "pg";

import { statsFromLatencies, type Measurable } from "./load";

/**
 * The database floor: `concurrency` callers issuing one query over a pool as large as the
 * app's (10), as fast as they can, for the given time. No HTTP, no framework, no ORM.
 */
export function pgLoopMeasurable(
  name: string,
  opts: { url: string; sql: string; params: unknown[]; concurrency: number; poolSize: number },
): Measurable {
  return {
    name,
    async run(durationSec) {
      const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize });
      const latencies: number[] = [];
      let failures = 0;
      const started = performance.now();
      const end = started + durationSec * 1000;
      try {
        await Promise.all(
          Array.from({ length: opts.concurrency }, async () => {
            while (performance.now() < end) {
              const t0 = performance.now();
              try {
                const r = await pool.query(opts.sql, opts.params);
                if (r.rowCount !== 1) failures++;
                latencies.push(performance.now() - t0);
              } catch {
                failures++;
              }
            }
          }),
        );
      } finally {
        await pool.end();
      }
      const seconds = (performance.now() - started) / 1000;
      return statsFromLatencies(latencies, seconds, failures);
    },
  };
}
