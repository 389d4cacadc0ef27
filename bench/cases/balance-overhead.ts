// Case 1 — what tRPC costs on the hottest read: credits.balance vs the same work in a bare
// route handler, vs a constant route (framework floor), vs a raw pg query loop (database floor).
import { browserQueryRequest, type RecordedRequest } from "../lib/browser-request";
import type { BenchCase, BenchContext } from "../lib/context";
import { warmupSec } from "../lib/context";
import { checkRoutesGated } from "../lib/gate-check";
import { balanceOf } from "../lib/ledger-checks";
import { httpMeasurable, measureInterleaved } from "../lib/load";
import { pgLoopMeasurable } from "../lib/pg-loop";
import { atLeast, fmt, type CaseReport } from "../lib/report";
import { signUpAndSignIn } from "../lib/session";
import { trpcQuery, trpcQueryUrl } from "../lib/trpc-http";

const BATCH_STREAM_URL = (base: string) =>
  `${base}/api/trpc/credits.balance?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: null } }))}`;

/** Fetch metadata a browser adds to the link's same-origin fetch (src/server/api/request-policy.ts reads Sec-Fetch-Site). */
const BROWSER_FETCH_HEADERS = { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" };

/** The browser's request for credits.balance: the link's own URL and headers, the fetch metadata, the session cookie. */
function browserRequestHeaders(recorded: RecordedRequest, cookie: string): Record<string, string> {
  return { ...recorded.headers, ...BROWSER_FETCH_HEADERS, cookie };
}

interface BalanceOut {
  balance: number;
  held: number;
  spendable: number;
}

async function checkRoutes(
  ctx: BenchContext,
  report: CaseReport,
  cookie: string,
  expected: number,
  browser: RecordedRequest,
): Promise<void> {
  const base = ctx.server.baseUrl;
  report.check(
    "the browser's link sends credits.balance as a batched GET with no body",
    browser.method === "GET" && browser.body === undefined && browser.url.includes("batch=1"),
    `${browser.method} ${browser.url.slice(base.length)}`,
  );
  const fromBrowser = await fetch(browser.url, { headers: browserRequestHeaders(browser, cookie) });
  const fromBrowserText = await fromBrowser.text();
  report.check(
    "the browser's request returns the balance as one JSON body",
    fromBrowser.ok &&
      (fromBrowser.headers.get("content-type") ?? "").startsWith("application/json") &&
      fromBrowserText.startsWith("[") &&
      fromBrowserText.includes(`"balance":${expected}`),
    fromBrowserText.slice(0, 120),
  );
  const viaTrpc = await trpcQuery<BalanceOut>(base, "credits.balance", cookie);
  report.check(
    "tRPC credits.balance returns the account's balance",
    viaTrpc.balance === expected,
    `${viaTrpc.balance} vs ${expected}`,
  );
  const streamed = await fetch(BATCH_STREAM_URL(base), { headers: { cookie, "trpc-accept": "application/jsonl" } });
  const streamedText = await streamed.text();
  const batched = await fetch(BATCH_STREAM_URL(base), { headers: { cookie } });
  const batchedText = await batched.text();
  report.check(
    "batch format (one JSON body) returns the same balance",
    batched.ok && batchedText.startsWith("[") && batchedText.includes(`"balance":${expected}`),
    batchedText.slice(0, 120),
  );
  report.check(
    "batch stream format returns the same balance",
    streamed.ok && streamedText.includes(`"balance":${expected}`),
    streamedText.slice(0, 120),
  );
  const bare = (await (await fetch(`${base}/api/bench/balance`, { headers: { cookie } })).json()) as BalanceOut;
  report.check(
    "bare route returns the same balance",
    bare.balance === expected && bare.spendable === viaTrpc.spendable,
  );
  const anonTrpc = await fetch(trpcQueryUrl(base, "credits.balance"));
  const anonBare = await fetch(`${base}/api/bench/balance`);
  report.check(
    "both refuse a request without a session (401)",
    anonTrpc.status === 401 && anonBare.status === 401,
    `${anonTrpc.status}/${anonBare.status}`,
  );
  const constant = await fetch(`${base}/api/bench/constant`);
  const session = await fetch(`${base}/api/bench/session`, { headers: { cookie } });
  report.check(
    "constant and session-only routes answer",
    constant.ok && session.ok,
    `${constant.status}/${session.status}`,
  );
}

export const balanceOverhead: BenchCase = {
  id: "1",
  title: "Balance read overhead",
  async run(ctx, report) {
    const user = await signUpAndSignIn(ctx.server.baseUrl, "balance");
    const expected = await balanceOf(ctx.sql, user.userId);
    const browser = await browserQueryRequest(ctx.server.baseUrl, "credits.balance");
    await checkRoutes(ctx, report, user.cookie, expected, browser);
    await checkRoutesGated(report);

    const { connections } = ctx.opts;
    const headers = { cookie: user.cookie };
    const items = [
      httpMeasurable({ name: "trpc", url: trpcQueryUrl(ctx.server.baseUrl, "credits.balance"), headers, connections }),
      // What the browser sent for queries until issue #15 (and still sends for mutations): the batched GET answered as a JSON-lines stream.
      httpMeasurable({
        name: "trpc-stream",
        url: BATCH_STREAM_URL(ctx.server.baseUrl),
        headers: { ...headers, "trpc-accept": "application/jsonl" },
        connections,
      }),
      // What the browser sends for queries: the request src/trpc/batch-link.ts makes (recorded from the link itself),
      // answered as one JSON body.
      httpMeasurable({
        name: "trpc-batch",
        url: browser.url,
        headers: browserRequestHeaders(browser, user.cookie),
        connections,
      }),
      httpMeasurable({ name: "bare", url: `${ctx.server.baseUrl}/api/bench/balance`, headers, connections }),
      httpMeasurable({ name: "session", url: `${ctx.server.baseUrl}/api/bench/session`, headers, connections }),
      httpMeasurable({ name: "constant", url: `${ctx.server.baseUrl}/api/bench/constant`, connections }),
      pgLoopMeasurable("pg", {
        url: ctx.database.url,
        sql: `SELECT balance, "heldCredits" FROM "User" WHERE id = $1`,
        params: [user.userId],
        concurrency: connections,
        poolSize: 10,
      }),
    ];
    const m = await measureInterleaved(items, {
      runs: ctx.opts.runs,
      durationSec: ctx.opts.durationSec,
      warmupSec: warmupSec(ctx),
    });
    const trpc = m.get("trpc")!;
    const trpcStream = m.get("trpc-stream")!;
    const trpcBatch = m.get("trpc-batch")!;
    const bare = m.get("bare")!;
    const session = m.get("session")!;
    const constant = m.get("constant")!;
    const pg = m.get("pg")!;

    for (const [name, s] of m)
      report.check(`${name}: no errors or non-2xx under load`, s.failures === 0, `${s.failures} failed`);

    const line = (s: typeof trpc) => `${fmt.rate(s.reqPerSec, "req/s")} · p50 ${fmt.ms(s.p50)} · p99 ${fmt.ms(s.p99)}`;
    const overhead = trpc.reqPerSec / bare.reqPerSec;
    const target = atLeast(overhead, 0.8, "tRPC per-request work, see notes");
    const batchOutcome = atLeast(trpcBatch.reqPerSec / bare.reqPerSec, 0.8, "the batch envelope, see notes");
    report.note(
      `the browser's link sends queries batched and answered as one JSON body (httpBatchLink) and only mutations (chat's streamed replies) as JSON lines: the same one-query batch streamed runs at ${fmt.ratio(trpcStream.reqPerSec / trpcBatch.reqPerSec)} of the JSON answer's rate (the stream producer and chunked per-value framing)`,
    );
    if (!target.met || !batchOutcome.met) {
      report.note(
        "per request tRPC adds the fetch adapter, context creation, procedure lookup, two middlewares (domain errors, auth) and superjson on the way out; with a handler this cheap that share is visible. The browser's request is the stream row's batch answered as one JSON body (with the link's superjson input meta and headers, which the server does not act on), so it should be at least as fast as the stream row: where it is not, that is this run's noise",
      );
    }
    report.note(
      `where the bare route's time goes: constant route ${fmt.rate(constant.reqPerSec, "req/s")} → + session check (cookie read, the token decrypted once and then remembered, expiry and session-row checks, cached) ${fmt.ratio(session.reqPerSec / constant.reqPerSec)} → + balance query ${fmt.ratio(bare.reqPerSec / constant.reqPerSec)} → + tRPC ${fmt.ratio(trpc.reqPerSec / constant.reqPerSec)}`,
    );
    report.row("tRPC credits.balance", line(trpc), {
      ratio: `${fmt.ratio(overhead)} of bare`,
      target: "≥ 0.80× bare",
      result: target.text,
    });
    report.row("tRPC, the browser's request (its link's URL and headers)", line(trpcBatch), {
      ratio: `${fmt.ratio(trpcBatch.reqPerSec / bare.reqPerSec)} of bare`,
      target: "≥ 0.80× bare",
      result: batchOutcome.text,
    });
    report.row("tRPC, batch stream format (JSON lines, mutations)", line(trpcStream), {
      ratio: `${fmt.ratio(trpcStream.reqPerSec / bare.reqPerSec)} of bare`,
    });
    report.row("bare route (same session + query)", line(bare), {
      ratio: `${fmt.ratio(bare.reqPerSec / constant.reqPerSec)} of constant`,
    });
    const sessionOutcome = atLeast(session.reqPerSec / constant.reqPerSec, 0.7, "the session check, see notes");
    report.row("session check only (getSessionUserId, as tRPC's context and pages)", line(session), {
      ratio: `${fmt.ratio(session.reqPerSec / constant.reqPerSec)} of constant`,
      target: "≥ 0.70× constant",
      result: sessionOutcome.text,
    });
    report.row("constant route (framework floor)", line(constant));
    report.row("raw pg loop (database floor)", line(pg), {
      ratio: `tRPC = ${fmt.ratio(trpc.reqPerSec / pg.reqPerSec)} of it`,
    });
  },
};
