// Case 9 — many users at once: 10,000 signed-in accounts (1,000 in --quick), a mixed workload sent
// open-loop at a fixed arrival rate (balance reads, history pages, chat replies that spend, and
// purchases: checkout, payment on the emulator, signed webhook), stepped up until one instance
// saturates; CPU, connections in use and lock waits sampled per step to say what ran out first.
// Then the same rate(s) against two instances on the same database, round-robin.
import { randomBytes } from "node:crypto";

import { packsFrom } from "~/server/billing/packs";
import { CHECKOUT_REF_TYPE } from "~/server/credits/ref-types";

import { checkoutEvent, deliverWebhook } from "../lib/checkout-event";
import type { BenchCase, BenchContext } from "../lib/context";
import { balanceMismatches } from "../lib/ledger-checks";
import { runOpenLoop, type OpenLoopKind, type OpenLoopStats } from "../lib/open-loop";
import { fmt, type CaseReport } from "../lib/report";
import { cpuUseText, startSampler, type ResourceUsage } from "../lib/resource-sampler";
import { seedAccounts, type SeededAccounts } from "../lib/seed-accounts";
import { BENCH_WEBHOOK_SECRET, MAIN_SERVER_APP_NAME, startServer, type BenchServer } from "../lib/server";

const START_CREDITS = 1_000_000;
const APP_NAME = "tally-bench-instance-";
/** The app's pool per instance (create-client.ts default). */
const POOL = 10;
const OP_TIMEOUT_MS = 30_000;
/** Shares of the schedule: mostly reads, a quarter replies, a few purchases. */
const MIX = { balance: 35, history: 35, spend: 25, purchase: 5 };

interface Instance {
  server: BenchServer;
  origin: string;
}

class Touched {
  users = new Set<string>();
  credited = new Set<string>();
  busy = new Set<number>();
}

/** A random account with nothing in flight (one person does one thing at a time). */
function pickAccount(accounts: SeededAccounts, touched: Touched): number {
  for (let tries = 0; ; tries++) {
    const i = Math.floor(Math.random() * accounts.count);
    if (!touched.busy.has(i) || tries > 20) return i;
  }
}

async function expectOk(res: Response, what: string): Promise<string> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 120)}`);
  return text;
}

function kinds(instances: Instance[], accounts: SeededAccounts, touched: Touched, ctx: BenchContext): OpenLoopKind[] {
  const pack = packsFrom()[0]!;
  const asUser = async <T>(fn: (i: number, cookie: string) => Promise<T>): Promise<T> => {
    const i = pickAccount(accounts, touched);
    touched.busy.add(i);
    touched.users.add(accounts.userId(i));
    try {
      return await fn(i, await accounts.cookie(i));
    } finally {
      touched.busy.delete(i);
    }
  };
  const query = (procedure: string, input?: unknown) => (target: number) =>
    asUser(async (_i, cookie) => {
      const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      const res = await fetch(`${instances[target]!.server.baseUrl}/api/trpc/${procedure}${q}`, {
        headers: { cookie },
        signal: AbortSignal.timeout(OP_TIMEOUT_MS),
      });
      await expectOk(res, procedure);
    });
  const browser = (target: number, cookie: string) => ({
    cookie,
    "content-type": "application/json",
    origin: instances[target]!.origin,
    "sec-fetch-site": "same-origin",
  });
  return [
    { name: "balance", weight: MIX.balance, run: query("credits.balance") },
    { name: "history", weight: MIX.history, run: query("credits.history", { limit: 20 }) },
    {
      // The app's real spend: a chat reply, held before the first token and settled at the end.
      name: "spend",
      weight: MIX.spend,
      run: (target) =>
        asUser(async (i, cookie) => {
          const res = await fetch(`${instances[target]!.server.baseUrl}/api/trpc/chat.send?batch=1`, {
            method: "POST",
            headers: { ...browser(target, cookie), "trpc-accept": "application/jsonl" },
            body: JSON.stringify({
              0: { json: { conversationId: accounts.conversationId(i), content: "How do credits work?" } },
            }),
            signal: AbortSignal.timeout(OP_TIMEOUT_MS),
          });
          const text = await expectOk(res, "chat.send");
          if (!text.includes('"status":"complete"')) {
            const error = text.includes('"status":"error"') || text.includes('"code":"INTERNAL_SERVER_ERROR"');
            if (error) return { serverError: true };
            throw new Error(`chat.send did not complete: ${text.slice(-160)}`);
          }
        }),
    },
    {
      // A purchase end to end: billing.checkout (Stripe session + pending purchase), paid on the
      // emulator, then Stripe's signed webhook, which fulfils it after reading the session back.
      name: "purchase",
      weight: MIX.purchase,
      run: (target) =>
        asUser(async (i, cookie) => {
          const base = instances[target]!.server.baseUrl;
          const signal = AbortSignal.timeout(OP_TIMEOUT_MS);
          const checkout = await fetch(`${base}/api/trpc/billing.checkout`, {
            method: "POST",
            headers: browser(target, cookie),
            body: JSON.stringify({ json: { packId: pack.id } }),
            signal,
          });
          const sessionId = /cs_[A-Za-z0-9_]+/.exec(await expectOk(checkout, "billing.checkout"))?.[0];
          if (!sessionId) throw new Error("billing.checkout gave no session id");
          await ctx.stripe.control(`/_emulator/checkout/sessions/${sessionId}/pay`);
          const payload = checkoutEvent(
            `evt_many_${randomBytes(8).toString("hex")}`,
            "checkout.session.completed",
            sessionId,
            accounts.userId(i),
            pack,
          );
          const body = await expectOk(await deliverWebhook(base, payload, BENCH_WEBHOOK_SECRET, signal), "webhook");
          if (!body.includes('"outcome":"credited"')) throw new Error(`webhook did not credit: ${body}`);
          touched.credited.add(sessionId);
        }),
    },
  ];
}

interface StepResult {
  stats: OpenLoopStats;
  usage: ResourceUsage;
  instances: number;
}

async function step(
  ctx: BenchContext,
  instances: Instance[],
  ops: OpenLoopKind[],
  rate: number,
  durationSec: number,
): Promise<StepResult> {
  const sampler = await startSampler({
    databaseUrl: ctx.database.url,
    databaseName: ctx.database.name,
    appPids: instances.map((i) => i.server.pid),
    appNamePrefix: instances[0]!.server === ctx.server ? MAIN_SERVER_APP_NAME : APP_NAME,
  });
  const stats = await runOpenLoop({
    ratePerSec: rate,
    durationSec,
    kinds: ops,
    targets: instances.length,
    graceSec: 30,
  });
  return { stats, usage: await sampler.stop(), instances: instances.length };
}

/** Saturated: it could not keep up with the schedule, answered slowly, or failed. */
function saturated(s: OpenLoopStats): boolean {
  return s.achievedPerSec < 0.9 * s.offeredPerSec || s.p99 > 2000 || s.failed > 0.01 * s.sent;
}

/** What ran out first at a step, from its samples. */
function bottleneck(r: StepResult): string {
  const u = r.usage;
  const found: string[] = [];
  const appMax = Math.max(...u.appCores);
  const connMax = Math.max(...u.connsMean);
  if (appMax >= 0.85) found.push(`the app's CPU (${appMax.toFixed(2)} cores: one Node event loop is ~1 core)`);
  if (u.machineBusy >= 0.9) found.push(`the machine's CPU (${(u.machineBusy * 100).toFixed(0)}% of 2 cores busy)`);
  if (connMax >= 0.9 * POOL) found.push(`database connections (${connMax.toFixed(1)} of ${POOL} in use on average)`);
  if (u.lockWaitsMean >= 1) found.push(`row locks (${u.lockWaitsMean.toFixed(1)} connections waiting on average)`);
  return found.length ? found.join("; then ") : "nothing clearly (no resource near its limit: see the resource row)";
}

function usageText(u: ResourceUsage): string {
  const conns = u.connsMean.map((c, i) => `${c.toFixed(1)} (max ${u.connsMax[i]})`).join(" + ");
  return `${cpuUseText(u)} · conns in use ${conns} of ${POOL} · lock waits ${u.lockWaitsMean.toFixed(2)} (max ${u.lockWaitsMax})`;
}

function statsText(s: OpenLoopStats): string {
  const errors = (100 * s.failed) / s.sent;
  return `${fmt.rate(s.achievedPerSec, "ops/s")} · p50 ${fmt.ms(s.p50)} · p95 ${fmt.ms(s.p95)} · p99 ${fmt.ms(s.p99)} · errors ${errors.toFixed(1)}%${s.serverErrors ? ` (${s.serverErrors} 5xx)` : ""}`;
}

async function startInstances(ctx: BenchContext, n: number): Promise<Instance[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const url = new URL(ctx.database.url);
      url.searchParams.set("application_name", `${APP_NAME}${i}`);
      const server = await startServer(
        url.toString(),
        // The demo model at 0 ms/token: a reply costs what the app does, not what a model waits.
        { STRIPE_API_URL: ctx.stripe.url, CHAT_DEMO_DELAY_MS: "0" },
        `many-users-${i + 1}`,
      );
      return { server, origin: new URL(server.baseUrl).origin };
    }),
  );
}

async function checkLedger(ctx: BenchContext, report: CaseReport, touched: Touched): Promise<void> {
  const users = [...touched.users];
  const mismatches = await balanceMismatches(ctx.sql, users);
  report.check(
    `balance == sum(ledger) for all ${users.length.toLocaleString("en-US")} touched accounts`,
    mismatches.length === 0,
    mismatches.slice(0, 3).join("; "),
  );
  const sessions = [...touched.credited];
  const credited = await ctx.sql.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "CreditLedger" WHERE "refType" = $1 AND "refId" = ANY($2)`,
    [CHECKOUT_REF_TYPE, sessions],
  );
  report.check(
    `each of ${sessions.length} purchases credited exactly once`,
    Number(credited.rows[0]!.n) === sessions.length,
    `${credited.rows[0]!.n} ledger rows`,
  );
  const active = await ctx.sql.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "CreditHold" WHERE "userId" = ANY($1) AND status = 'active'`,
    [users],
  );
  report.check(
    "every reply's hold settled (none active)",
    Number(active.rows[0]!.n) === 0,
    `${active.rows[0]!.n} active`,
  );
}

export const manyUsers: BenchCase = {
  id: "9",
  title: "Many users at once",
  async run(ctx, report) {
    const quick = ctx.opts.quick;
    const count = quick ? 1_000 : 10_000;
    const rates = quick ? [10, 20] : [25, 50, 100, 200, 400, 800];
    const duration = ctx.opts.durationSec;
    const t0 = performance.now();
    const accounts = await seedAccounts(ctx.sql, `mu${randomBytes(3).toString("hex")}`, count, START_CREDITS);
    report.note(
      `seeded ${count.toLocaleString("en-US")} accounts (user, balance + its ledger row, session, conversation) in SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s; session cookies minted as next-auth's sign-in writes them`,
    );
    // --quick checks correctness on the bench's own server (demo model at its 5 ms/token), with no
    // instance to start; two instances on one database are checked by the rolling restart in `npm test`.
    const instances = quick
      ? [{ server: ctx.server, origin: new URL(ctx.server.baseUrl).origin }]
      : await startInstances(ctx, 2);
    try {
      const touched = new Touched();
      const one = kinds(instances.slice(0, 1), accounts, touched, ctx);
      const two = kinds(instances, accounts, touched, ctx);
      // Warm-up: every kind of operation once on each instance (loads its routes), then a short open loop.
      await Promise.all(instances.flatMap((_, target) => two.map((op) => op.run(target))));
      if (!quick) await runOpenLoop({ ratePerSec: 10, durationSec: 2, kinds: two, targets: 2, graceSec: 30 });

      const results: StepResult[] = [];
      for (const rate of rates) {
        const r = await step(ctx, instances.slice(0, 1), one, rate, duration);
        results.push(r);
        report.row(`1 instance, ${rate} ops/s offered`, statsText(r.stats), {
          ratio: `${fmt.ratio(r.stats.achievedPerSec / rate)} of offered`,
          result: saturated(r.stats) ? "saturated" : "",
        });
        report.row(`1 instance, ${rate} ops/s: resources`, usageText(r.usage));
        if (saturated(r.stats) && !quick) break;
      }
      const below = results.filter((r) => !saturated(r.stats));
      const sat = results.find((r) => saturated(r.stats));
      report.check(
        "no 5xx and no failed operation below saturation",
        below.every((r) => r.stats.failed === 0 && r.stats.serverErrors === 0),
        below
          .filter((r) => r.stats.failed > 0)
          .map((r) => `${r.stats.offeredPerSec}/s: ${r.stats.failed} failed (${r.stats.firstErrors.join(" | ")})`)
          .join("; "),
      );
      // Quick steps are far below what one instance takes; on a busy machine they may still look
      // "saturated" by latency, but no operation may fail.
      if (quick)
        report.check(
          "quick steps: no failed operation",
          results.every((r) => r.stats.failed === 0),
          results.map((r) => r.stats.firstErrors.join(" | ")).join("; "),
        );
      const atSat = sat ?? results.at(-1)!;
      const best = Math.max(...results.map((r) => r.stats.achievedPerSec));
      report.row(
        "one instance saturates at",
        sat
          ? `~${fmt.rate(best, "ops/s")} (offered ${sat.stats.offeredPerSec}/s)`
          : `not reached up to ${rates.at(-1)} ops/s`,
        {
          result: `first limit: ${bottleneck(atSat)}`,
        },
      );

      const perKind = [...atSat.stats.byKind].map(([name, k]) => `${name} p50 ${fmt.ms(k.p50)} · p99 ${fmt.ms(k.p99)}`);
      report.row(`1 instance, ${atSat.stats.offeredPerSec} ops/s: latency per kind`, perKind.join(" · "));

      // Two instances, one PostgreSQL: the rate one instance could not keep up with, and the next.
      const twoRates = quick ? [] : [atSat.stats.offeredPerSec, atSat.stats.offeredPerSec * 2];
      for (const rate of twoRates) {
        const r = await step(ctx, instances, two, rate, duration);
        const single = results.find((x) => x.stats.offeredPerSec === rate);
        const [a, b] = r.stats.perTargetPerSec;
        report.row(`2 instances, ${rate} ops/s offered`, statsText(r.stats), {
          ratio: single ? `${fmt.ratio(r.stats.achievedPerSec / single.stats.achievedPerSec)} of 1 instance` : "",
          result: saturated(r.stats) ? "saturated" : "",
        });
        report.row(
          `2 instances, ${rate} ops/s: per instance`,
          `instance 1 ${fmt.rate(a!, "ops/s")} · instance 2 ${fmt.rate(b!, "ops/s")} — ${usageText(r.usage)}`,
          { result: saturated(r.stats) ? `first limit: ${bottleneck(r)}` : "" },
        );
        if (!saturated(r.stats))
          report.check(
            `two instances at ${rate} ops/s (below saturation): no failed operation`,
            r.stats.failed === 0,
            `${r.stats.failed} failed (${r.stats.firstErrors.join(" | ")})`,
          );
      }
      await checkLedger(ctx, report, touched);
      report.note(
        `open loop: operations start every 1/rate s whatever the answers (latency from the scheduled start); mix ${MIX.balance}% credits.balance, ${MIX.history}% history page 1, ${MIX.spend}% chat replies (demo model at 0 ms/token: hold, reply, settle), ${MIX.purchase}% purchases (billing.checkout, paid on the emulator, signed webhook that reads the session back and credits it); each on a random account of ${count.toLocaleString("en-US")}; saturated = < 0.9× the offered rate, p99 > 2 s or > 1% errors`,
      );
      report.note(
        "the harness (load generator and Stripe emulator) shares the 2 cores with the app and PostgreSQL, so 'machine busy' includes it; two instances on 2 cores can only gain what one instance left idle",
      );
    } finally {
      if (!quick) await Promise.all(instances.map((i) => i.server.stop()));
    }
  },
};
