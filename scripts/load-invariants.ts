// npx tsx scripts/load-invariants.ts [--quick] [--duration=S] [--users=N] [--rebuild]
// A bounded loopback load run with money invariants: the production build (bench/lib launcher)
// on a fresh PostgreSQL database (TEST_POSTGRES_URL), the Stripe emulator in-process, N users
// (default 20) signing up, chatting, buying and receiving duplicate webhooks at once for ~30 s
// (--quick: ~10 s). Then: no 5xx, no negative spendable balance, balance == sum(ledger) and
// held == sum(active holds) for every user, every paid session credited exactly once, nothing
// credited that was not paid, every reply settled. Among the users, three turn auto top-up on
// (4242 card, caps 3/2/1) and one more charges a card that is always declined (0341): each
// succeeded PaymentIntent granted once, no PaymentIntent without its top-up, the cap held, never
// two top-ups in flight for one user (sampled during the run), the declined card turned it off
// after one attempt. Besides them, --teams=N teams (default 2) of an owner and 3 members (invited by
// email, limits set, one binding from the second reply) chat paying with the pool while the owner buys
// for the team through Checkout: pools balance == Σ ledger and held == Σ active holds, no member over a
// limit, each team purchase granted once to its pool, every reply charged to the balance it names.
// Prints a summary; exits 1 on any violation.
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

import pg from "pg";

import { cleanupOnSignals, onCleanup, runHarness } from "../bench/lib/cleanup";
import { createBenchDatabase } from "../bench/lib/database";
import { startServer } from "../bench/lib/server";
import { autoTopUpViolations, pendingTopUps, topUpsInFlightTwice } from "../tests/load/auto-top-up-invariants";
import type { AutoTopUpCard, AutoTopUpUser } from "../tests/load/auto-top-up-traffic";
import { intentsOfCustomers, sessionsByPayment, startHarnessEmulator } from "../tests/load/harness-stripe";
import { invariantViolations, unsettledCount } from "../tests/load/invariants";
import { LoadStats } from "../tests/load/load-stats";
import { teamCoverageProblems, teamViolations } from "../tests/load/team-invariants";
import { MEMBERS_PER_TEAM, simulateTeam, type LoadTeam } from "../tests/load/team-traffic";
import { simulateUser, type TrafficTarget } from "../tests/load/traffic";

import { ensureBuild } from "./launcher/build.mjs";
import { freePort } from "./launcher/ports.mjs";

// Fresh per run, like every secret a production build is started with.
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
const STRIPE_KEY = "sk_test_tally_load_invariants";
const SERVER_LOG = "bench/out/server.log";
/** Monthly caps of the users (of the N) with auto top-up on a card that pays; one more has it on a declined card. */
const AUTO_TOP_UP_CAPS = [3, 2, 1];

/** The first users turn auto top-up on (when there are enough users left to buy through Checkout). */
function autoTopUpRole(index: number, users: number): { card: AutoTopUpCard; monthlyLimit: number } | undefined {
  if (users < AUTO_TOP_UP_CAPS.length + 3) return undefined;
  const cap = AUTO_TOP_UP_CAPS[index];
  if (cap !== undefined) return { card: "succeeds", monthlyLimit: cap };
  return index === AUTO_TOP_UP_CAPS.length ? { card: "declines", monthlyLimit: 3 } : undefined;
}

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
}

function boundedInt(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`expected an integer in [${min}, ${max}], got ${value}`);
  return n;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

/** Error-level structured log lines the server wrote since `offset`. */
function serverErrorLines(offset: number): string[] {
  const text = readFileSync(SERVER_LOG, "utf8").slice(offset);
  return text.split("\n").filter((line) => line.startsWith("{") && line.includes('"level":"error"'));
}

/** The production server's real response headers (the unit suite checks securityHeaders() itself). */
async function securityHeaderProblems(appUrl: string, emulatorUrl: string): Promise<string[]> {
  const res = await fetch(`${appUrl}/auth`, { redirect: "manual" });
  const csp = new Map(
    (res.headers.get("content-security-policy") ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k ?? "", v] as const),
  );
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => ok || problems.push(`security header: ${what}`);
  expect(csp.get("frame-ancestors")?.join(" ") === "'none'", "CSP frame-ancestors is not 'none'");
  expect(csp.get("default-src")?.join(" ") === "'self'", "CSP default-src is not 'self'");
  expect(!csp.get("script-src")?.includes("'unsafe-eval'"), "CSP script-src allows 'unsafe-eval' in production");
  const scriptSrc = csp.get("script-src") ?? [];
  expect(
    !scriptSrc.includes("'unsafe-inline'") &&
      scriptSrc.includes("'strict-dynamic'") &&
      scriptSrc.some((s) => s.startsWith("'nonce-")),
    `CSP script-src is ${scriptSrc.join(" ")}, not a nonce with 'strict-dynamic'`,
  );
  // Checkout is a top-level navigation (not a form post), so the Stripe/emulator origins may appear in form-action at most.
  const formAction = csp.get("form-action") ?? [];
  expect(
    formAction.includes("'self'") &&
      formAction.every((s) => ["'self'", "https://checkout.stripe.com", emulatorUrl].includes(s)),
    `CSP form-action is ${formAction.join(" ")}`,
  );
  const elsewhere = [...csp.entries()].filter(
    ([k, v]) => k !== "form-action" && v.some((s) => s.includes("stripe.com") || s === emulatorUrl),
  );
  expect(elsewhere.length === 0, `Stripe origins outside form-action: ${elsewhere.map(([k]) => k).join(", ")}`);
  expect(res.headers.get("x-content-type-options") === "nosniff", "X-Content-Type-Options is not nosniff");
  expect(res.headers.get("referrer-policy") === "strict-origin-when-cross-origin", "Referrer-Policy missing");
  expect(res.headers.get("strict-transport-security") === null, "HSTS sent over plain http");
  expect(res.headers.get("x-powered-by") === null, "X-Powered-By is sent");
  return problems;
}

async function main(): Promise<number> {
  const quick = process.argv.includes("--quick");
  const durationSec = boundedInt(option("duration"), quick ? 10 : 30, 1, 300);
  const users = boundedInt(option("users"), 20, 1, 50);
  const teamCount = boundedInt(option("teams"), 2, 0, 10);
  cleanupOnSignals();
  console.log(
    `[load] ${users} users and ${teamCount} teams of ${1 + MEMBERS_PER_TEAM} for ${durationSec} s against the production build`,
  );
  // Any existing build (NEXT_DIST_DIR or .next) unless --rebuild asks to build it again when stale.
  console.log(`[load] production build: ${ensureBuild({ reuse: !process.argv.includes("--rebuild"), tag: "load" })}`);

  const database = await createBenchDatabase();
  onCleanup("drop database", () => database.drop());
  const emulatorPort = await freePort();
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const server = await startServer(database.url, {
    STRIPE_SECRET_KEY: STRIPE_KEY,
    STRIPE_API_URL: emulatorUrl,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TALLY_BENCH_ROUTES: "0",
    TALLY_LOG: "",
  });
  onCleanup("stop server", () => server.stop());
  const logOffset = statSync(SERVER_LOG).size;
  const emulator = await startHarnessEmulator(emulatorPort, WEBHOOK_SECRET, `${server.baseUrl}/api/stripe/webhook`);
  onCleanup("stop emulator", () => emulator.close());
  console.log(`[load] app ${server.baseUrl} (pid ${server.pid}), emulator ${emulator.url}, database ${database.name}`);

  const headerProblems = await securityHeaderProblems(server.baseUrl, emulator.url);

  const stats = new LoadStats();
  globalThis.fetch = stats.countingFetch(globalThis.fetch, { app: server.baseUrl, emulator: emulator.url });
  const target: TrafficTarget = {
    appUrl: server.baseUrl,
    emulatorUrl: emulator.url,
    emulatorKey: STRIPE_KEY,
    stats,
    opened: { userIds: [], sessions: new Map() },
    autoTopUpUsers: [],
  };
  const autoTopUpUsers: AutoTopUpUser[] = target.autoTopUpUsers!;

  const sql = new pg.Pool({ connectionString: database.url, max: 3 });
  onCleanup("close pool", () => sql.end());
  // "Never two in flight" is a property of every moment, not only of the end: sampled while the traffic runs.
  const inFlightTwice = new Set<string>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        for (const v of await topUpsInFlightTwice(sql)) inFlightTwice.add(v);
      } catch (error) {
        stats.harnessErrors.push(`in-flight sampler: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const started = Date.now();
  const deadline = started + durationSec * 1000;
  // Bounded: every user stops starting work at the deadline; a hard cap catches a hung request.
  const hardCap = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), (durationSec + 60) * 1000).unref(),
  );
  const teams: LoadTeam[] = [];
  const finished = await Promise.race([
    Promise.all([
      ...Array.from({ length: users }, (_, i) => simulateUser(target, i, deadline, autoTopUpRole(i, users))),
      ...Array.from({ length: teamCount }, (_, i) => simulateTeam(target, i, deadline, teams)),
    ]),
    hardCap,
  ]);
  if (finished === "timeout") stats.harnessErrors.push("traffic did not finish within 60 s after the deadline");
  console.log(
    `[load] traffic done in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for replies and webhooks to settle`,
  );

  const settled = await waitUntil(async () => {
    return (await unsettledCount(sql)) === 0 && (await pendingTopUps(sql)) === 0;
  }, 30_000);
  sampling = false;
  await sampler;
  if (!settled) console.log("[load] some replies never settled (reported below)");

  // The emulator is the source of truth for what was paid.
  const { paidSessions, unpaidSessions, checkoutIntentIds } = await sessionsByPayment(
    server.baseUrl,
    emulatorPort,
    STRIPE_KEY,
  );
  const violations = await invariantViolations(sql, {
    userIds: target.opened.userIds,
    paidSessions,
    unpaidSessions,
    signupBonus: 10_000,
    teamIds: teams.map((t) => t.teamId),
  });
  for (const [id, s] of target.opened.sessions) {
    if ((s.outcome === "paid") !== paidSessions.has(id))
      violations.push(
        `session ${id}: harness expected ${s.outcome}, emulator says ${paidSessions.has(id) ? "paid" : "unpaid"}`,
      );
  }

  const intents = await intentsOfCustomers(
    emulatorPort,
    STRIPE_KEY,
    autoTopUpUsers.map((u) => u.customer),
  );
  violations.push(
    ...(await autoTopUpViolations(sql, { users: autoTopUpUsers, intents, checkoutIntentIds })),
    ...inFlightTwice,
  );
  const teamExpectations = { teams, sessions: target.opened.sessions, paidSessions };
  violations.push(...(await teamViolations(sql, teamExpectations)));
  const topUps = await sql.query<{ status: string; n: string }>(
    `SELECT status, COUNT(*) AS n FROM "Purchase" WHERE kind = 'auto_top_up' GROUP BY status ORDER BY status`,
  );
  const paidPerUser = await sql.query<{ userId: string; n: string }>(
    `SELECT "userId", COUNT(*) AS n FROM "Purchase" WHERE kind = 'auto_top_up' AND status = 'paid' GROUP BY "userId"`,
  );
  const paidOf = new Map(paidPerUser.rows.map((r) => [r.userId, Number(r.n)]));

  const deliveries = (await (await fetch(`${emulator.url}/_emulator/deliveries`)).json()) as {
    data: { eventId: string; status: number | null; manual: boolean }[];
  };
  const failedDeliveries = deliveries.data.filter((d) => d.status === null || d.status >= 300);
  for (const d of failedDeliveries)
    stats.serverErrors.push(
      `webhook delivery of ${d.eventId}${d.manual ? " (redelivery)" : ""} → ${d.status ?? "connection error"}`,
    );
  const errorLogs = serverErrorLines(logOffset);

  const ledgerRows = await sql.query<{ reason: string; n: string }>(
    `SELECT reason, COUNT(*) AS n FROM "CreditLedger" GROUP BY reason ORDER BY reason`,
  );
  console.log("\n━━━ load with invariants");
  for (const line of stats.summary()) console.log(line);
  console.log(
    `webhooks   ${deliveries.data.length} deliveries (${deliveries.data.filter((d) => d.manual).length} forced duplicates), ${failedDeliveries.length} not 2xx`,
  );
  console.log(`sessions   ${paidSessions.size} paid, ${unpaidSessions.length} unpaid (declined or abandoned)`);
  console.log(
    `auto top-up ${autoTopUpUsers.length} users (${autoTopUpUsers.filter((u) => u.card === "declines").length} with a declined card), ${intents.filter((i) => !checkoutIntentIds.has(i.id)).length} PaymentIntents, top-ups ${topUps.rows.map((r) => `${r.status}=${r.n}`).join(" ") || "none"}, paid/cap per user ${autoTopUpUsers
      .filter((u) => u.card === "succeeds")
      .map((u) => `${paidOf.get(u.userId) ?? 0}/${u.monthlyLimit}`)
      .join(" ")}`,
  );
  const pools = await sql.query<{ id: string; balance: number; held: number }>(
    `SELECT id, balance, "heldCredits" AS held FROM "Team" WHERE id = ANY($1) ORDER BY id`,
    [teams.map((t) => t.teamId)],
  );
  console.log(
    `teams      ${teams.length} (pools ${pools.rows.map((p) => `${p.balance}/${p.held} held`).join(", ") || "none"}), limit refusals per limited member ${teams.map((t) => (t.limitedId ? (t.limitRefusals.get(t.limitedId) ?? 0) : 0)).join(" ")}`,
  );
  console.log(`ledger     ${ledgerRows.rows.map((r) => `${r.reason}=${r.n}`).join(" ")}`);

  const problems = [
    ...stats.serverErrors.map((e) => `5xx/server error: ${e}`),
    ...stats.harnessErrors.map((e) => `harness: ${e}`),
    ...errorLogs.slice(0, 20).map((l) => `server error log: ${l}`),
    ...violations,
    ...headerProblems,
  ];
  const expectedUsers = users + teamCount * (1 + MEMBERS_PER_TEAM);
  if (stats.counters.users !== expectedUsers)
    problems.push(`only ${stats.counters.users} of ${expectedUsers} users signed up`);
  if (teams.length !== teamCount) problems.push(`only ${teams.length} of ${teamCount} teams were built`);
  problems.push(...(await teamCoverageProblems(sql, teamExpectations)));
  const expectedAutoTopUpUsers = Array.from({ length: users }, (_, i) => autoTopUpRole(i, users)).filter(
    Boolean,
  ).length;
  if (autoTopUpUsers.length !== expectedAutoTopUpUsers)
    problems.push(`only ${autoTopUpUsers.length} of ${expectedAutoTopUpUsers} users turned auto top-up on`);
  if (expectedAutoTopUpUsers > 0 && !topUps.rows.some((r) => r.status === "paid"))
    problems.push("no auto top-up was paid: the run proves nothing about them");
  if (stats.counters.paid === 0 || stats.counters.chatsCompleted === 0)
    problems.push("the run paid nothing or completed no chat: too short to prove anything");
  for (const p of problems.slice(0, 50)) console.error(`VIOLATION ${p}`);
  console.log(problems.length === 0 ? "[load] all invariants hold" : `[load] ${problems.length} violation(s)`);
  return problems.length === 0 ? 0 : 1;
}

runHarness("load", main);
