// Case 5 — what metering costs a chat reply, measured twice:
//  - in process: the real sendMessage() (reserve the worst case, write both messages, stream,
//    settle) vs the same demo model streamed bare with streamText (no credits, no database);
//  - over HTTP: chat.send through the browser's tRPC stream link vs a bare bench route streaming
//    the same model behind the same session check.
import { monitorEventLoopDelay } from "node:perf_hooks";

import { grant } from "~/server/credits";
import { chatConfigFromEnv, type ChatDeps } from "~/server/chat";
import { DemoLanguageModel } from "~/server/chat/demo-model";

import {
  conversationSupply,
  httpBare,
  httpMetered,
  inProcessBare,
  inProcessMetered,
  type Reply,
  type Variant,
} from "../lib/chat-variants";
import type { BenchCase, BenchContext } from "../lib/context";
import { balanceMismatches } from "../lib/ledger-checks";
import { atMost, fmt, type CaseReport } from "../lib/report";
import { BENCH_DEMO_DELAY_MS } from "../lib/server";
import { signUpAndSignIn } from "../lib/session";
import { mean, median } from "../lib/stats";

const CHATS = 20;
/** The same comparison over HTTP with one chat at a time: what a send adds on an idle server. */
const ALONE = 1;

interface RunStats {
  ttftMs: number;
  /** Median time until the call resolved (metered in process: sendMessage's admission). */
  admitMs: number;
  tokensPerSec: number;
  replies: number;
}

async function loop(durationSec: number, once: Variant, chats: number): Promise<RunStats> {
  const replies: Reply[] = [];
  const end = performance.now() + durationSec * 1000;
  await Promise.all(
    Array.from({ length: chats }, async () => {
      while (performance.now() < end) replies.push(await once());
    }),
  );
  return {
    ttftMs: median(replies.map((r) => r.ttftMs)),
    admitMs: median(replies.map((r) => r.admitMs ?? 0)),
    // Per reply: its tokens over its whole duration (settlement included for the metered ones).
    tokensPerSec: mean(replies.map((r) => r.tokens / (r.totalMs / 1000))),
    replies: replies.length,
  };
}

/** Interleaved runs of a metered and a bare variant; medians. */
async function compare(
  ctx: BenchContext,
  metered: Variant,
  bare: Variant,
  chats = CHATS,
): Promise<{ on: RunStats; off: RunStats; meteredReplies: number }> {
  const on: RunStats[] = [];
  const off: RunStats[] = [];
  const warm = ctx.opts.quick ? 0.3 : 1;
  let meteredReplies = (await loop(warm, metered, chats)).replies;
  await loop(warm, bare, chats);
  for (let run = 0; run < ctx.opts.runs; run++) {
    const m = await loop(ctx.opts.durationSec, metered, chats);
    meteredReplies += m.replies;
    on.push(m);
    off.push(await loop(ctx.opts.durationSec, bare, chats));
  }
  const med = (list: RunStats[]): RunStats => ({
    ttftMs: median(list.map((r) => r.ttftMs)),
    admitMs: median(list.map((r) => r.admitMs)),
    tokensPerSec: median(list.map((r) => r.tokensPerSec)),
    replies: list.reduce((n, r) => n + r.replies, 0),
  });
  return { on: med(on), off: med(off), meteredReplies };
}

async function checkSettled(
  ctx: BenchContext,
  report: CaseReport,
  label: string,
  userId: string,
  replies: number,
): Promise<void> {
  const holds = await ctx.db.creditHold.groupBy({ by: ["status"], where: { userId }, _count: true });
  const active = holds.find((h) => h.status === "active")?._count ?? 0;
  const settled = holds.find((h) => h.status === "settled")?._count ?? 0;
  report.check(`${label}: no hold left active after the replies`, active === 0, `${active} active`);
  report.check(`${label}: every metered reply settled once (${replies})`, settled === replies, `${settled} settled`);
  const charges = await ctx.sql.query<{ n: string; charged: string; ledger: string }>(
    `SELECT COUNT(*) AS n, SUM(m."creditsCharged") AS charged,
            (SELECT -SUM(amount) FROM "CreditLedger" WHERE "userId" = $1 AND reason = 'chat_usage') AS ledger
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
      WHERE c."userId" = $1 AND m.role = 'assistant' AND m.status = 'complete' AND m."creditsCharged" > 0`,
    [userId],
  );
  const row = charges.rows[0]!;
  report.check(
    `${label}: credits charged on messages == chat_usage in the ledger`,
    Number(row.n) === replies && row.charged === row.ledger,
    `${row.n} msgs, ${row.charged} vs ${row.ledger}`,
  );
  const mismatches = await balanceMismatches(ctx.sql, [userId]);
  report.check(`${label}: balance == sum(ledger)`, mismatches.length === 0, mismatches.join("; "));
}

function rows(report: CaseReport, label: string, on: RunStats, off: RunStats): void {
  const ttft = atMost(on.ttftMs / off.ttftMs, 1.1, "reserve before the first token, see notes");
  const tps = atMost(off.tokensPerSec / on.tokensPerSec, 1.1, "settle before the stream ends, see notes");
  report.row(`${label}: time to first token, metered`, fmt.ms(on.ttftMs), {
    ratio: `${fmt.ratio(on.ttftMs / off.ttftMs)} of bare`,
    target: "≤ 1.10×",
    result: ttft.text,
  });
  report.row(`${label}: time to first token, bare`, fmt.ms(off.ttftMs));
  report.row(`${label}: tokens/s per reply, metered`, fmt.rate(on.tokensPerSec, "tok/s"), {
    ratio: `bare = ${fmt.ratio(off.tokensPerSec / on.tokensPerSec)} of it`,
    target: "≤ 1.10×",
    result: tps.text,
  });
  report.row(`${label}: tokens/s per reply, bare`, fmt.rate(off.tokensPerSec, "tok/s"));
}

export const chatMetering: BenchCase = {
  id: "5",
  title: "Chat metering overhead",
  async run(ctx, report) {
    const user = await ctx.db.user.create({ data: { email: `bench-chat-${Date.now()}@example.test` } });
    await grant(ctx.db, {
      userId: user.id,
      amount: 1_000_000_000,
      reason: "adjustment",
      refType: "operator",
      refId: user.id,
    });
    const deps: ChatDeps = {
      db: ctx.db,
      model: {
        model: new DemoLanguageModel({ delayMs: BENCH_DEMO_DELAY_MS }),
        id: "demo",
        label: "Demo model",
        demo: true,
      },
      config: chatConfigFromEnv(),
      maxTitleChars: 120,
    };
    // How long a ready callback waits in this process while 20 replies stream: every round trip
    // before the first token waits that long again for its answer to be read.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const local = await compare(
      ctx,
      inProcessMetered(deps, user.id, conversationSupply(ctx.db, user.id)),
      inProcessBare(deps),
    );
    loopDelay.disable();
    await checkSettled(ctx, report, "in process", user.id, local.meteredReplies);
    rows(report, "in process", local.on, local.off);

    const web = await signUpAndSignIn(ctx.server.baseUrl, "chat");
    await grant(ctx.db, {
      userId: web.userId,
      amount: 1_000_000_000,
      reason: "adjustment",
      refType: "operator",
      refId: web.userId,
    });
    const meteredOverHttp = httpMetered(ctx.server.baseUrl, web.cookie, conversationSupply(ctx.db, web.userId));
    const bareOverHttp = httpBare(ctx.server.baseUrl, web.cookie);
    const http = await compare(ctx, meteredOverHttp, bareOverHttp);
    const alone = await compare(ctx, meteredOverHttp, bareOverHttp, ALONE);
    await checkSettled(ctx, report, "over HTTP", web.userId, http.meteredReplies + alone.meteredReplies);
    rows(report, "over HTTP", http.on, http.off);
    report.row("over HTTP, one chat at a time: time to first token, metered", fmt.ms(alone.on.ttftMs), {
      ratio: `${fmt.ratio(alone.on.ttftMs / alone.off.ttftMs)} of bare (+${fmt.ms(alone.on.ttftMs - alone.off.ttftMs)})`,
    });
    report.row("over HTTP, one chat at a time: time to first token, bare", fmt.ms(alone.off.ttftMs));

    report.note(
      `${CHATS} concurrent chats, demo model at ${BENCH_DEMO_DELAY_MS} ms/token, each metered reply the first message of a conversation the harness opened beforehand in the database (in batches); "bare" streams the same model with no credits, messages or tRPC`,
    );
    report.note(
      "before the first token a send does 2 steps: (1) at once, the API edge's rate-limit count (over HTTP; committed without waiting for its WAL flush) and ONE statement reading the conversation with its history's first page; (2) one statement, committed without waiting for its WAL flush: the worst-case hold (lock the account, insert the hold if spendable covers it, raise heldCredits) with both messages and the conversation's title/updatedAt as CTEs that only write with the hold. Stale holds are swept by the scheduled job, and before a reply only when they stand between the user and the hold; the reply ends after its settle, one statement too (the charge, the hold closed, the final message). The bare model does none of this, so the ratio is the full price of never streaming an unpaid token",
    );
    report.note(
      `where the time to first token over HTTP goes (medians): chat.send's answer starts after ${fmt.ms(http.on.admitMs)} (the tRPC link's request, the session, the steps above, the stream's head), the first token follows ${fmt.ms(http.on.ttftMs - http.on.admitMs)} later; bare: the response starts after ${fmt.ms(http.off.admitMs)}, its first token ${fmt.ms(http.off.ttftMs - http.off.admitMs)} later`,
    );
    report.note(
      `one chat at a time over HTTP (the same user, its own conversations): chat.send's answer starts after ${fmt.ms(alone.on.admitMs)}, the first token follows ${fmt.ms(alone.on.ttftMs - alone.on.admitMs)} later; bare: ${fmt.ms(alone.off.ttftMs)} in all. So on an idle server a send's checks, its two database steps and tRPC add ${fmt.ms(alone.on.ttftMs - alone.off.ttftMs)} before the first token, and ${fmt.ms(http.on.ttftMs - http.off.ttftMs)} while ${CHATS} replies stream on the same 2 cores. The demo model answers its first token after ~${BENCH_DEMO_DELAY_MS} ms; a hosted model's own first-token time (not measurable here: no internet) is what a real reply's ratio is taken against`,
    );
    report.note(
      `where the in-process time to first token goes (medians): sendMessage resolves after ${fmt.ms(local.on.admitMs)} (the steps above), the first token follows ${fmt.ms(local.on.ttftMs - local.on.admitMs)} later (stream start, model); bare: ${fmt.ms(local.off.ttftMs)} in all (before: 13 sequential round trips — the edge's rate-limit count, conversation, sweep lookup + orphan update, history, then BEGIN, lock, ref lookup, held update, hold insert, messages, conversation update, COMMIT; now 2 sequential, see tests/chat/send-round-trips.test.ts). The harness's event loop, running the 20 streams, delayed a ready callback by ${fmt.ms(loopDelay.percentile(50) / 1e6)} at the median and ${fmt.ms(loopDelay.percentile(99) / 1e6)} at p99 through the in-process runs (perf_hooks), so the loop's lag is a small part of sendMessage's time: most of it is the two statements' answer time (the 20 chats start their replies together, so their statements arrive in bursts on the pool's 10 connections: bench/README.md)`,
    );
  },
};
