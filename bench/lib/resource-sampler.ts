/**
 * What a load step uses, sampled every few hundred ms: CPU of the app instances (process trees),
 * of this database's PostgreSQL backends, of the harness and of the whole machine (from /proc), and
 * from pg_stat_activity / pg_locks the app's connections in use (active or inside a transaction)
 * and those waiting for a lock. Together they say what ran out first: CPU, connections or row locks.
 */
import { readFileSync } from "node:fs";

import pg from "pg";

import { processTree } from "./process-memory";
import { median } from "./stats";

const TICKS_PER_SEC = 100; // USER_HZ on Linux

/** utime + stime of a process, in clock ticks; 0 when it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (all cores). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

export interface ResourceUsage {
  /** CPU of each app instance's process tree, in cores (1.0 = one core busy all the time). */
  appCores: number[];
  /** CPU of this database's backends, in cores. */
  dbCores: number;
  harnessCores: number;
  /** Busy share of all cores of the machine (0–1); includes everything else running. */
  machineBusy: number;
  /** The app's connections in use (active or idle in transaction): mean and max over the samples, per instance. */
  connsMean: number[];
  connsMax: number[];
  /** App connections waiting for a lock (wait_event_type = 'Lock'), mean and max. */
  lockWaitsMean: number;
  lockWaitsMax: number;
  samples: number;
}

export interface Sampler {
  stop(): Promise<ResourceUsage>;
}

/**
 * Samples until stop(). Instance i is the process tree rooted at `appPids[i]` and its connections
 * carry application_name `${appNamePrefix}${i}`.
 */
export async function startSampler(opts: {
  databaseUrl: string;
  databaseName: string;
  appPids: number[];
  appNamePrefix: string;
  intervalMs?: number;
}): Promise<Sampler> {
  const client = new pg.Client({ connectionString: opts.databaseUrl, application_name: "bench-sampler" });
  await client.connect();
  const interval = opts.intervalMs ?? 250;
  const appTrees = opts.appPids.map((pid) => processTree(pid));
  const treeTicks = () => appTrees.map((tree) => tree.reduce((s, pid) => s + cpuTicks(pid), 0));
  const appStart = treeTicks();
  const machineStart = machineTicks();
  const harnessStart = process.cpuUsage();
  const started = performance.now();
  const backendTicks = new Map<number, { first: number; last: number }>();
  const conns = opts.appPids.map(() => [] as number[]);
  const locks: number[] = [];
  let stopped = false;

  const sample = async () => {
    const r = await client.query<{ pid: number; app: string; state: string | null; wait: string | null }>(
      `SELECT pid, application_name AS app, state, wait_event_type AS wait
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [opts.databaseName],
    );
    const inUse = opts.appPids.map(() => 0);
    let waiting = 0;
    for (const row of r.rows) {
      const t = cpuTicks(row.pid);
      const seen = backendTicks.get(row.pid);
      if (seen) seen.last = t;
      else backendTicks.set(row.pid, { first: t, last: t });
      if (!row.app.startsWith(opts.appNamePrefix)) continue;
      const i = Number(row.app.slice(opts.appNamePrefix.length));
      if (row.state === "active" || row.state?.startsWith("idle in transaction")) inUse[i] = (inUse[i] ?? 0) + 1;
      if (row.wait === "Lock") waiting++;
    }
    inUse.forEach((n, i) => conns[i]?.push(n));
    locks.push(waiting);
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        await sample();
      } catch {
        // a sample lost to a busy database is just a missing sample
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      const seconds = (performance.now() - started) / 1000;
      const appEnd = treeTicks();
      const machineEnd = machineTicks();
      const harness = process.cpuUsage(harnessStart);
      let dbTicks = 0;
      for (const { first, last } of backendTicks.values()) dbTicks += last - first;
      const mean = (a: number[]) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0);
      return {
        appCores: appEnd.map((t, i) => (t - appStart[i]!) / TICKS_PER_SEC / seconds),
        dbCores: dbTicks / TICKS_PER_SEC / seconds,
        harnessCores: (harness.user + harness.system) / 1e6 / seconds,
        machineBusy: (machineEnd.busy - machineStart.busy) / Math.max(1, machineEnd.total - machineStart.total),
        connsMean: conns.map(mean),
        connsMax: conns.map((c) => (c.length ? Math.max(...c) : 0)),
        lockWaitsMean: mean(locks),
        lockWaitsMax: locks.length ? Math.max(...locks) : 0,
        samples: locks.length,
      };
    },
  };
}

/** The CPU part of a usage: each app instance, the database, the harness (named by what it runs) and the machine. */
export function cpuUseText(u: ResourceUsage, harness = "harness"): string {
  const cores = u.appCores.map((c) => c.toFixed(2)).join(" + ");
  return `app CPU ${cores} cores · PostgreSQL ${u.dbCores.toFixed(2)} · ${harness} ${u.harnessCores.toFixed(2)} · machine ${(u.machineBusy * 100).toFixed(0)}% busy`;
}

/** The median of each CPU figure over runs of the same load (connections and locks: of the first run). */
export function medianUse(runs: ResourceUsage[]): ResourceUsage {
  return {
    ...runs[0]!,
    appCores: runs[0]!.appCores.map((_, i) => median(runs.map((r) => r.appCores[i]!))),
    dbCores: median(runs.map((r) => r.dbCores)),
    harnessCores: median(runs.map((r) => r.harnessCores)),
    machineBusy: median(runs.map((r) => r.machineBusy)),
  };
}
