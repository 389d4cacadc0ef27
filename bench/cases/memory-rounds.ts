// Case 8 — does the server leak? The same mixed load, five times over, with the server's RSS read after
// each round: new accounts signing in (session rows and their cache, mail, rate-limit windows), the
// browser's batched balance reads and signed-in page renders. A leak grows round after round; a
// working set reaches its size in the warm-up round and stays there.
import { readFileSync } from "node:fs";

import type { BenchCase, BenchContext } from "../lib/context";
import { httpMeasurable } from "../lib/load";
import { atMost, fmt, type CaseReport } from "../lib/report";
import { signUpAndSignIn } from "../lib/session";

const ROUNDS = 5;
// Each figure is read after a full garbage collection in the server (/api/bench/memory, a bench-only route).
/** Round over round, RSS may move this much either way (GC timing, allocator) without counting as growth. */
export const ROUND_TOLERANCE = 1.1;

const BATCH_STREAM_PATH = `/api/trpc/credits.balance?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: null } }))}`;

/** Rounds (after the first) whose RSS exceeds the previous round's by more than the tolerance. */
export function growingRounds(rss: number[], tolerance = ROUND_TOLERANCE): number[] {
  const grew: number[] = [];
  for (let i = 1; i < rss.length; i++) if (rss[i]! > rss[i - 1]! * tolerance) grew.push(i + 1);
  return grew;
}

/** A variable of the running server's environment (/proc/<pid>/environ): what it started with, whoever set it. */
function serverEnv(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, "latin1")
    .split("\0")
    .find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

interface Memory {
  rssMb: number;
  /** What V8 holds for its heap (used or not): RSS minus this is native memory. */
  heapTotalMb: number;
  heapUsedMb: number;
}

const SETTLE_POLL_MS = 250;

/**
 * The process tree's RSS (next start and anything it forked) once it holds still: V8's background
 * threads return the pages a collection freed over the next few hundred milliseconds, so a reading
 * taken at once caught that at a random point (one run: 327–386 MB at once, 310–327 MB settled).
 * Read until two readings SETTLE_POLL_MS apart agree within 1 %.
 */
async function settledRssMb(ctx: BenchContext): Promise<number> {
  let last = ctx.server.rssMb();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
    const now = ctx.server.rssMb();
    if (Math.abs(now - last) <= last * 0.01) return now;
    last = now;
  }
  return last;
}

/** The server's memory after a full garbage collection (/api/bench/memory), so garbage not yet collected is not counted. */
async function memoryAfterGc(ctx: BenchContext): Promise<Memory> {
  const res = await fetch(`${ctx.server.baseUrl}/api/bench/memory`);
  if (!res.ok) throw new Error(`/api/bench/memory answered ${res.status}`);
  const own = (await res.json()) as Memory;
  return { rssMb: await settledRssMb(ctx), heapTotalMb: own.heapTotalMb, heapUsedMb: own.heapUsedMb };
}

function memoryText(m: Memory): string {
  return `RSS ${fmt.mb(m.rssMb)} · heap ${fmt.mb(m.heapUsedMb)} (V8 holds ${fmt.mb(m.heapTotalMb)})`;
}

async function round(ctx: BenchContext, label: string, durationSec: number): Promise<Memory> {
  const base = ctx.server.baseUrl;
  let failures = 0;
  // New sessions every round: anything kept per session or per account must be bounded.
  const users = [];
  for (let i = 0; i < 3; i++) users.push(await signUpAndSignIn(base, `mem-${label}-${i}`));
  const cookie = users[0]!.cookie;
  const loads = [
    httpMeasurable({
      name: "balance",
      url: `${base}${BATCH_STREAM_PATH}`,
      headers: { cookie, "trpc-accept": "application/jsonl" },
      connections: 20,
    }),
    httpMeasurable({ name: "billing page", url: `${base}/billing`, headers: { cookie }, connections: 5 }),
    httpMeasurable({
      name: "session",
      url: `${base}/api/bench/session`,
      headers: { cookie: users[1]!.cookie },
      connections: 10,
    }),
  ];
  // One after another: each at full speed, as in the other cases.
  for (const load of loads) failures += (await load.run(durationSec)).failures;
  if (failures > 0) throw new Error(`round ${label}: ${failures} failed requests`);
  return memoryAfterGc(ctx);
}

export const memoryRounds: BenchCase = {
  id: "8",
  title: "Memory rounds",
  async run(ctx, report: CaseReport) {
    const durationSec = ctx.opts.quick ? 1.5 : Math.max(2, ctx.opts.durationSec / 2);
    const warm = await round(ctx, "warmup", durationSec);
    report.row("after a warm-up round", memoryText(warm));
    const rounds: Memory[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      const m = await round(ctx, String(i), durationSec);
      const before = rounds.at(-1);
      rounds.push(m);
      report.row(`after round ${i}`, memoryText(m), {
        ratio: before
          ? `RSS ${fmt.ratio(m.rssMb / before.rssMb)} · heap ${fmt.ratio(m.heapUsedMb / before.heapUsedMb)} of round ${i - 1}`
          : undefined,
        target: before ? `RSS ≤ ${fmt.ratio(ROUND_TOLERANCE)}` : undefined,
        result: before
          ? atMost(
              m.rssMb / before.rssMb,
              ROUND_TOLERANCE,
              "what V8 keeps committed or native memory moved; the heap in use is the leak check",
            ).text
          : undefined,
      });
    }
    // RSS is a target (reported): native memory (glibc's arenas, zlib, the database driver) is outside
    // the collector's reach. A leak of JS objects grows the collected heap, which is the check.
    for (const [what, series] of [["JS heap in use", rounds.map((r) => r.heapUsedMb)]] as const) {
      const grew = growingRounds([...series]);
      report.check(
        `${what}: no growth round over round (each of ${ROUNDS} rounds ≤ ${fmt.ratio(ROUND_TOLERANCE)} of the one before)`,
        grew.length === 0,
        `${series.map((n) => fmt.mb(n)).join(" → ")}${grew.length ? `; grew in round ${grew.join(", ")}` : ""}`,
      );
      report.check(
        `${what}: round ${ROUNDS} within ${fmt.ratio(ROUND_TOLERANCE)} of round 1 (no slow creep either)`,
        series.at(-1)! <= series[0]! * ROUND_TOLERANCE,
        `${fmt.mb(series[0]!)} → ${fmt.mb(series.at(-1)!)}`,
      );
    }
    report.note(
      `each round: 3 new accounts signed in, then ${durationSec} s each of the browser's batched credits.balance (20 connections), signed-in /billing renders (5) and the session route (10); one warm-up round first; figures read after a forced full garbage collection, RSS once it holds still (two readings ${SETTLE_POLL_MS} ms apart within 1 %: the collector's background threads return the freed pages over a few hundred milliseconds)`,
    );
    report.note(
      `the server runs with MALLOC_ARENA_MAX=${serverEnv(ctx.server.pid, "MALLOC_ARENA_MAX") ?? "unset"}, as every launcher and the runtime image start it (scripts/launcher/app.mjs; the A/B runs it was chosen on are in bench/README.md); what V8 holds beyond its heap in use, and native memory, are outside the collector's reach, so RSS is a reported target and the heap the leak check`,
    );
  },
};
