// Case 2 — balance reads must not grow with the ledger: the same reads for a user with a
// small and a huge ledger (rows bulk-inserted with generate_series, balance kept == sum).
import type pg from "pg";

import type { BenchCase, BenchContext } from "../lib/context";
import { warmupSec } from "../lib/context";
import { balanceMismatches } from "../lib/ledger-checks";
import { httpMeasurable, measureInterleaved, type Medians } from "../lib/load";
import { atMost, fmt, type CaseReport } from "../lib/report";
import { signUpAndSignIn, type BenchUser } from "../lib/session";
import { trpcQuery, trpcQueryUrl } from "../lib/trpc-http";

const HISTORY_INPUT = { limit: 20 };

/** Tops the user's ledger up to `rows` rows (older than the signup bonus) and resyncs the balance. */
async function seedLedger(sql: pg.Pool, userId: string, rows: number): Promise<void> {
  const client = await sql.connect();
  try {
    await client.query("BEGIN");
    const existing = Number(
      (await client.query(`SELECT COUNT(*) AS n FROM "CreditLedger" WHERE "userId" = $1`, [userId])).rows[0].n,
    );
    await client.query(
      `INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId", "createdAt")
       SELECT 'bench-' || $1 || '-' || g, $1, 1, ($2::int - g + 1), 'adjustment', 'bench_seed', $1 || ':' || g,
              now() - interval '1 day' - g * interval '1 second'
         FROM generate_series(1, $2::int) AS g`,
      [userId, rows - existing],
    );
    await client.query(
      `UPDATE "User" SET balance = (SELECT SUM(amount) FROM "CreditLedger" WHERE "userId" = $1) WHERE id = $1`,
      [userId],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

interface HistoryOut {
  items: { id: string; amount: number; createdAt: string }[];
  nextCursor: string | null;
}

async function checkUser(
  ctx: BenchContext,
  report: CaseReport,
  user: BenchUser,
  label: string,
  rows: number,
): Promise<void> {
  const count = Number(
    (await ctx.sql.query(`SELECT COUNT(*) AS n FROM "CreditLedger" WHERE "userId" = $1`, [user.userId])).rows[0].n,
  );
  report.check(`${label}: ledger has ${rows.toLocaleString("en-US")} rows`, count === rows, String(count));
  const sum = Number(
    (await ctx.sql.query(`SELECT SUM(amount) AS s FROM "CreditLedger" WHERE "userId" = $1`, [user.userId])).rows[0].s,
  );
  const { balance } = await trpcQuery<{ balance: number }>(ctx.server.baseUrl, "credits.balance", user.cookie);
  report.check(`${label}: credits.balance == sum(ledger)`, balance === sum, `${balance} vs ${sum}`);
  const page = await trpcQuery<HistoryOut>(ctx.server.baseUrl, "credits.history", user.cookie, HISTORY_INPUT);
  const newestFirst = page.items.every((it, i) => i === 0 || page.items[i - 1]!.createdAt >= it.createdAt);
  report.check(
    `${label}: history page 1 has 20 rows, newest first, and a next cursor`,
    page.items.length === 20 && newestFirst && page.nextCursor !== null,
  );
}

export const o1Balance: BenchCase = {
  id: "2",
  title: "O(1) balance",
  async run(ctx, report) {
    const bigRows = ctx.opts.quick ? 100_000 : 1_000_000;
    const small = await signUpAndSignIn(ctx.server.baseUrl, "small");
    const big = await signUpAndSignIn(ctx.server.baseUrl, "big");
    const t0 = performance.now();
    await seedLedger(ctx.sql, small.userId, 1_000);
    await seedLedger(ctx.sql, big.userId, bigRows);
    await ctx.sql.query(`ANALYZE "CreditLedger"`);
    report.note(
      `seeded ${bigRows.toLocaleString("en-US")} ledger rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (ctx.opts.quick) report.note("quick mode compares 1,000 vs 100,000 rows (full mode: 1,000,000)");

    await checkUser(ctx, report, small, "1k user", 1_000);
    await checkUser(ctx, report, big, `${bigRows / 1000}k user`, bigRows);
    const mismatches = await balanceMismatches(ctx.sql, [small.userId, big.userId]);
    report.check("balance == sum(ledger) for both users", mismatches.length === 0, mismatches.join("; "));

    const { connections, runs, durationSec } = ctx.opts;
    const base = ctx.server.baseUrl;
    const m = await measureInterleaved(
      [
        httpMeasurable({
          name: "balance-small",
          url: trpcQueryUrl(base, "credits.balance"),
          headers: { cookie: small.cookie },
          connections,
        }),
        httpMeasurable({
          name: "balance-big",
          url: trpcQueryUrl(base, "credits.balance"),
          headers: { cookie: big.cookie },
          connections,
        }),
        // A/A: the very same request measured again shows how far noise alone moves the ratio.
        httpMeasurable({
          name: "balance-small-again",
          url: trpcQueryUrl(base, "credits.balance"),
          headers: { cookie: small.cookie },
          connections,
        }),
        httpMeasurable({
          name: "history-small",
          url: trpcQueryUrl(base, "credits.history", HISTORY_INPUT),
          headers: { cookie: small.cookie },
          connections,
        }),
        httpMeasurable({
          name: "history-big",
          url: trpcQueryUrl(base, "credits.history", HISTORY_INPUT),
          headers: { cookie: big.cookie },
          connections,
        }),
      ],
      { runs, durationSec, warmupSec: warmupSec(ctx) },
    );
    for (const [name, s] of m)
      report.check(`${name}: no errors or non-2xx under load`, s.failures === 0, `${s.failures} failed`);

    const bigLabel = bigRows.toLocaleString("en-US");
    const noise = m.get("balance-small-again")!.meanMs / m.get("balance-small")!.meanMs;
    const compare = (what: string, a: Medians, b: Medians) => {
      const ratio = b.meanMs / a.meanMs;
      const why =
        Math.abs(ratio - 1) <= Math.abs(noise - 1) + 0.2
          ? "within this run's noise, see A/A"
          : "grows with the ledger: check the query plan";
      const outcome = atMost(ratio, 1.2, why);
      report.row(`${what}, 1,000 rows`, `mean ${fmt.ms(a.meanMs)} · p50 ${fmt.ms(a.p50)} · p99 ${fmt.ms(a.p99)}`);
      report.row(
        `${what}, ${bigLabel} rows`,
        `mean ${fmt.ms(b.meanMs)} · p50 ${fmt.ms(b.p50)} · p99 ${fmt.ms(b.p99)}`,
        {
          ratio: `${fmt.ratio(ratio)} of 1,000`,
          target: "≤ 1.20×",
          result: outcome.text,
        },
      );
    };
    compare("balance latency", m.get("balance-small")!, m.get("balance-big")!);
    compare("history page 1 latency", m.get("history-small")!, m.get("history-big")!);
    report.row(
      "A/A: 1,000-row balance measured twice (noise)",
      `mean ${fmt.ms(m.get("balance-small-again")!.meanMs)}`,
      { ratio: `${fmt.ratio(noise)} of first` },
    );
    report.note(
      "balance reads one User row by primary key and history page 1 is a range scan on the (userId, createdAt desc, id desc) index, so neither should depend on ledger size; the A/A row shows how much this machine's noise alone moves such a ratio",
    );
  },
};
