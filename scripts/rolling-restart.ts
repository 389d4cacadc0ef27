// npx tsx scripts/rolling-restart.ts — two instances of the standalone production build on one
// fresh PostgreSQL database behind a round-robin proxy (tests/deploy/round-robin-proxy.ts), the
// Stripe emulator in-process, continuous mixed traffic (chat, purchases, duplicate webhooks),
// and every instance restarted in turn, twice, with SIGTERM (one instance with a 1 s grace
// period, so replies in progress are also stopped and settled mid-stream). Then: every SIGTERM
// exited 0, no 5xx (the only refusal allowed is chat.send's 503 service_draining, which the
// client sends again), every reply the client read to its end is in the database with that
// text, charged once, the money invariants of the load run hold (balance == sum(ledger), every
// paid session credited once, nothing unpaid credited, every reply settled). Bounded: ~60-90 s.
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { cleanupOnSignals, onCleanup, runHarness } from "../bench/lib/cleanup";
import { createBenchDatabase } from "../bench/lib/database";
import { registerInbox } from "../bench/lib/inbox";
import { startRoundRobinProxy } from "../tests/deploy/round-robin-proxy";
import { startHarnessEmulator, sessionsByPayment } from "../tests/load/harness-stripe";
import { CHAT_REF_TYPE, invariantViolations, unsettledCount } from "../tests/load/invariants";
import { LoadStats } from "../tests/load/load-stats";
import { simulateUser, type ReadReply, type TrafficTarget } from "../tests/load/traffic";
import { startMailCatcher } from "../tools/mail-catcher/src/catcher";

import { missingBuild, startApp, type AppInstance } from "./launcher/app.mjs";
import { HARNESS_RATE_LIMITS } from "./launcher/harness-limits.mjs";
import { freePort } from "./launcher/ports.mjs";

const STRIPE_KEY = "sk_test_tally_rolling_restart";
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
const AUTH_SECRET = randomBytes(32).toString("base64url");
const USERS = 8;
const ROUNDS = 2;
// Instance 0 lets replies finish; instance 1's grace period is short, so replies in progress are
// stopped and settled with what they delivered (the client's text must match the database's).
const GRACE_SECONDS = [10, 1];
const LOG_DIR = "bench/out";

const logFile = (name: string) => path.join(LOG_DIR, `rolling-${name}.log`);

/** The instances' structured log lines (both lives of each). */
function instanceLogs(): Record<string, unknown>[] {
  return ["0", "1"]
    .flatMap((name) => readFileSync(logFile(name), "utf8").split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Instance {
  name: string;
  port: number;
  app: AppInstance;
}

/** The standalone server as the container image runs it: its own environment only, nothing inherited but PATH and HOME. */
function startInstance(name: string, port: number, env: Record<string, string>): Instance {
  const log = createWriteStream(logFile(name), { flags: "a" });
  const grace = String(GRACE_SECONDS[Number(name)]);
  const app = startApp({
    server: "standalone",
    port,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      ...env,
      SHUTDOWN_GRACE_SECONDS: grace,
    },
    peerAddress: false,
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.child.stdout!.pipe(log);
  app.child.stderr!.pipe(log);
  return { name, port, app };
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  const missing = missingBuild("standalone", process.env);
  if (missing) throw new Error(missing);
  cleanupOnSignals();
  mkdirSync(LOG_DIR, { recursive: true });
  for (const name of ["0", "1"]) rmSync(logFile(name), { force: true });
  const database = await createBenchDatabase();
  onCleanup("drop database", () => database.drop());

  const ports = [await freePort(), await freePort()];
  const proxy = await startRoundRobinProxy(ports);
  onCleanup("stop proxy", () => proxy.close());
  const emulatorPort = await freePort();
  const emulator = await startHarnessEmulator(emulatorPort, WEBHOOK_SECRET, `${proxy.url}/api/stripe/webhook`);
  onCleanup("stop emulator", () => emulator.close());
  // Sign-up bonuses wait for email verification: the harness users verify through this catcher.
  const catcher = await startMailCatcher();
  registerInbox(proxy.url, catcher.webUrl);
  onCleanup("stop mail catcher", () => catcher.close());

  const env: Record<string, string> = {
    NODE_ENV: "production",
    HOSTNAME: "127.0.0.1",
    APP_URL: proxy.url,
    DATABASE_URL: database.url,
    AUTH_SECRET,
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_ALLOW_TEST_MODE: "1",
    STRIPE_API_URL: emulator.url,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CHAT_DEMO_DELAY_MS: "5",
    SMTP_URL: catcher.smtpUrl,
    ...HARNESS_RATE_LIMITS,
  };
  const instances = ports.map((port, i) => startInstance(`${i}`, port, env));
  onCleanup("stop instances", async () => {
    for (const inst of instances) inst.app.child.kill("SIGKILL");
  });
  await waitUntil(() => proxy.backends.every((b) => b.ready), 90_000, "both instances to be ready");
  console.log(
    `[rolling] proxy ${proxy.url} → instances on ${ports.join(", ")}; emulator ${emulator.url}; database ${database.name}`,
  );

  const stats = new LoadStats();
  const base = globalThis.fetch;
  // Every app answer is counted; a 503 is allowed only as chat.send's service_draining (counted by the traffic as a refusal).
  globalThis.fetch = async (input, init) => {
    const res = await base(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.origin === proxy.url) {
      stats.bump(stats.responses, `app ${res.status}`);
      if (res.status >= 500 && res.status !== 503)
        stats.serverErrors.push(`${init?.method ?? "GET"} ${url.pathname} → ${res.status}`);
    }
    return res;
  };
  const replies: ReadReply[] = [];
  const target: TrafficTarget = {
    appUrl: proxy.url,
    emulatorUrl: emulator.url,
    emulatorKey: STRIPE_KEY,
    stats,
    opened: { userIds: [], sessions: new Map() },
    replies,
  };

  let trafficOn = true;
  const started = Date.now();
  const traffic = Promise.all(Array.from({ length: USERS }, (_, i) => simulateUser(target, i, () => !trafficOn)));

  const exits: string[] = [];
  const problems: string[] = [];
  try {
    await new Promise((r) => setTimeout(r, 3_000));
    for (let round = 1; round <= ROUNDS; round++) {
      for (let i = 0; i < instances.length; i++) {
        const old = instances[i]!;
        const sentAt = Date.now();
        old.app.child.kill("SIGTERM");
        const exit = await Promise.race([
          old.app.exited,
          new Promise<null>((r) => setTimeout(() => r(null), (Math.max(...GRACE_SECONDS) + 20) * 1000)),
        ]);
        if (!exit || exit.code !== 0)
          problems.push(`instance ${old.name} (round ${round}) did not exit 0 on SIGTERM: ${JSON.stringify(exit)}`);
        exits.push(`${((Date.now() - sentAt) / 1000).toFixed(1)} s`);
        proxy.backends[i]!.ready = false;
        instances[i] = startInstance(old.name, old.port, env);
        await waitUntil(() => proxy.backends[i]!.ready, 90_000, `instance ${old.name} to be ready again`);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  } finally {
    trafficOn = false;
  }
  const hardCap = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000).unref());
  if ((await Promise.race([traffic, hardCap])) === "timeout")
    stats.harnessErrors.push("traffic did not finish within 60 s after the restarts");
  console.log(
    `[rolling] ${exits.length} restarts (SIGTERM to exit: ${exits.join(", ")}), traffic for ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  onCleanup("close pool", () => sql.end());
  await waitUntil(
    async () => {
      return (await unsettledCount(sql)) === 0;
    },
    30_000,
    "every reply to settle",
  ).catch((error: Error) => problems.push(error.message));

  // Every reply the client read to its end is in the database as read, and charged once.
  const rows = await sql.query<{
    id: string;
    content: string;
    status: string;
    creditsCharged: number;
    charges: string;
  }>(
    `SELECT m.id, m.content, m.status, m."creditsCharged",
            (SELECT COUNT(*) FROM "CreditLedger" l WHERE l."refType" = $2 AND l."refId" = m.id) AS charges
       FROM "Message" m WHERE m.id = ANY($1)`,
    [replies.map((r) => r.messageId), CHAT_REF_TYPE],
  );
  const stored = new Map(rows.rows.map((r) => [r.id, r]));
  for (const reply of replies) {
    const row = stored.get(reply.messageId);
    if (!row) problems.push(`reply ${reply.messageId} (${reply.status}) is not in the database`);
    else if (row.content !== reply.text || row.status !== reply.status || row.creditsCharged !== reply.creditsCharged) {
      problems.push(
        `reply ${reply.messageId}: read ${reply.status} ${reply.text.length} chars charged ${reply.creditsCharged}, stored ${row.status} ${row.content.length} chars charged ${row.creditsCharged}`,
      );
    } else if (Number(row.charges) !== (reply.creditsCharged > 0 ? 1 : 0))
      problems.push(`reply ${reply.messageId} has ${row.charges} ledger charges`);
  }

  const { paidSessions, unpaidSessions } = await sessionsByPayment(proxy.url, emulatorPort, STRIPE_KEY);
  problems.push(
    ...(await invariantViolations(sql, {
      userIds: target.opened.userIds,
      paidSessions,
      unpaidSessions,
      signupBonus: 10_000,
    })),
  );
  const deliveries = (await (await fetch(`${emulator.url}/_emulator/deliveries`)).json()) as {
    data: { eventId: string; status: number | null }[];
  };
  const failedDeliveries = deliveries.data.filter((d) => d.status === null || d.status >= 500);
  for (const d of failedDeliveries)
    stats.serverErrors.push(`webhook delivery of ${d.eventId} → ${d.status ?? "connection error"}`);

  const logs = instanceLogs();
  const drains = logs.filter((l) => l.msg === "shutdown_drained");
  const finishedInDrain = drains.reduce((n, l) => n + Number(l.finished), 0);
  const stoppedInDrain = drains.reduce((n, l) => n + Number(l.stopped), 0);
  const webhooksInDrain = drains.reduce((n, l) => n + Number(l.requests), 0);
  if (drains.length !== ROUNDS * 2) problems.push(`${drains.length} drains logged for ${ROUNDS * 2} SIGTERMs`);
  for (const l of logs.filter((x) => x.level === "error").slice(0, 20))
    problems.push(`server error log: ${JSON.stringify(l)}`);

  console.log("\n━━━ rolling restart");
  for (const line of stats.summary()) console.log(line);
  console.log(`replies    ${replies.length} read to the end, all checked against the database`);
  console.log(`webhooks   ${deliveries.data.length} deliveries, ${failedDeliveries.length} failed`);
  console.log(`sessions   ${paidSessions.size} paid, ${unpaidSessions.length} unpaid`);
  console.log(
    `drains     ${drains.length}: ${finishedInDrain} replies finished during a drain, ${stoppedInDrain} stopped at the grace period, ${webhooksInDrain} webhook requests waited for`,
  );
  console.log(
    `proxy      ${proxy.resent} requests sent again after a refused/reset connection, ${proxy.unrouted} unrouted`,
  );

  problems.push(...stats.serverErrors.map((e) => `5xx: ${e}`), ...stats.harnessErrors.map((e) => `harness: ${e}`));
  if (proxy.unrouted > 0) problems.push(`${proxy.unrouted} requests found no instance`);
  if (stats.counters.users !== USERS) problems.push(`only ${stats.counters.users} of ${USERS} users signed up`);
  if (stats.counters.paid === 0 || replies.filter((r) => r.status === "complete").length === 0)
    problems.push("no purchase or no complete reply: the run proves nothing");
  for (const p of problems.slice(0, 50)) console.error(`VIOLATION ${p}`);
  console.log(
    problems.length === 0
      ? "[rolling] no 5xx, no lost reply, every invariant holds"
      : `[rolling] ${problems.length} violation(s)`,
  );
  return problems.length === 0 ? 0 : 1;
}

runHarness("rolling", main);
