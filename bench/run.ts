// npm run bench [-- --quick] [--reuse-build] [--only=1,3] [--runs=N] [--duration=S]
// Builds (or reuses) the production app, starts it on loopback against a fresh PostgreSQL
// database, runs the cases, prints one table and (full runs) writes bench/results.md.
// Exits non-zero when a correctness check fails; speed targets never fail the run.
import "./lib/harness-env";

import os from "node:os";

import pg from "pg";

import { createDbHandle } from "~/server/database/create-client";

import { ensureBuild } from "../scripts/launcher/build.mjs";

import { balanceOverhead } from "./cases/balance-overhead";
import { chatMetering } from "./cases/chat-metering";
import { holdContention } from "./cases/hold-contention";
import { manyUsers } from "./cases/many-users";
import { memoryRounds } from "./cases/memory-rounds";
import { o1Balance } from "./cases/o1-balance";
import { pageWeight } from "./cases/page-weight";
import { poolSpend } from "./cases/pool-spend";
import { spendContention } from "./cases/spend-contention";
import { webhookStorm } from "./cases/webhook-storm";
import { cleanupOnSignals, onCleanup, runHarness } from "./lib/cleanup";
import type { BenchCase, BenchContext } from "./lib/context";
import { createBenchDatabase } from "./lib/database";
import { machineDetails } from "./lib/machine";
import { parseOptions } from "./lib/options";
import { CaseReport, fmt } from "./lib/report";
import { writeResults } from "./lib/results-file";
import { MAIN_SERVER_APP_NAME, startServer } from "./lib/server";
import { startBenchStripe } from "./lib/stripe";
import { failureLines, noteLines, textTable } from "./lib/table";

const CASES: BenchCase[] = [
  balanceOverhead,
  o1Balance,
  spendContention,
  holdContention,
  poolSpend,
  webhookStorm,
  chatMetering,
  pageWeight,
  memoryRounds,
  manyUsers,
];

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  cleanupOnSignals();
  const machine = machineDetails();
  const started = Date.now();
  console.log(`[bench] ${opts.quick ? "quick (correctness checks, short loads)" : "full"} run`);

  // The reference routes are compiled only into a build made for them (next.config.mjs).
  const build = ensureBuild({ benchRoutes: true, reuse: opts.reuseBuild, tag: "bench" });
  console.log(`[bench] production build: ${build}`);
  const database = await createBenchDatabase();
  onCleanup("drop database", () => database.drop());
  console.log(`[bench] database ${database.name} migrated`);
  const stripe = await startBenchStripe();
  onCleanup("stop stripe emulator", () => stripe.close());
  const serverDbUrl = new URL(database.url);
  serverDbUrl.searchParams.set("application_name", MAIN_SERVER_APP_NAME);
  const server = await startServer(serverDbUrl.toString(), { STRIPE_API_URL: stripe.url });
  onCleanup("stop server", () => server.stop());
  console.log(`[bench] next start on ${server.baseUrl} (pid ${server.pid})`);
  const handle = createDbHandle({ databaseUrl: database.url, poolSize: 10 });
  onCleanup("close harness db", () => handle.close());
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  onCleanup("close harness pool", () => sql.end());
  const ctx: BenchContext = { opts, server, database, db: handle.db, sql, stripe };

  const memory = new CaseReport("7", "Memory");
  const idleRss = server.rssMb();
  memory.row("server RSS after start (reference)", fmt.mb(idleRss));
  const reports: CaseReport[] = [];
  for (const c of CASES) {
    if (opts.only && !opts.only.has(c.id)) continue;
    const report = new CaseReport(c.id, c.title);
    reports.push(report);
    const t0 = Date.now();
    console.log(`[bench] case ${c.id}: ${c.title}…`);
    try {
      await c.run(ctx, report);
    } catch (error) {
      report.check(
        "case ran to completion",
        false,
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    }
    const rss = server.rssMb();
    memory.row(`server RSS after case ${c.id}`, fmt.mb(rss), { ratio: `${fmt.ratio(rss / idleRss)} of start` });
    memory.check(`server alive after case ${c.id}`, rss > 0);
    console.log(
      `[bench] case ${c.id} done in ${((Date.now() - t0) / 1000).toFixed(1)} s${report.failed.length ? ` — ${report.failed.length} check(s) FAILED` : ""}`,
    );
  }
  memory.note(
    "case 3 and the in-process half of case 5 run in the harness process, so the server only idles (and may collect garbage) during them",
  );
  reports.push(memory);

  console.log(`\n${textTable(reports)}\n`);
  for (const n of noteLines(reports)) console.log(`note: ${n}`);
  const failures = failureLines(reports);
  for (const f of failures) console.error(`FAILED: ${f}`);

  const elapsed = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const loadAtEnd = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");
  if (!opts.quick && !opts.only) {
    writeResults("bench/results.md", reports, opts, machine, [
      `production build ${build}; whole run took ${elapsed}; load average (1/5/15 min) at the end: ${loadAtEnd} — other work shared the 2 cores, so read ratios, not absolute figures`,
    ]);
    console.log("[bench] wrote bench/results.md");
  }
  console.log(
    `[bench] ${failures.length ? `${failures.length} correctness check(s) failed` : "all correctness checks passed"} (${elapsed})`,
  );
  return failures.length ? 1 : 0;
}

runHarness("bench", main);
