// Case 5 — what metering costs a chat reply: the real sendMessage() (reserve the worst case,
// write both messages, stream, settle) vs the same demo model streamed bare with streamText
// (no credits, no database), in this process, at the same concurrency.
import { streamText } from "ai";

import { grant } from "~/server/credits";
import { chatConfigFromEnv, chatRateLimitStore, createConversation, sendMessage, type ChatDeps } from "~/server/chat";
import { DemoLanguageModel } from "~/server/chat/demo-model";
import { buildPrompt } from "~/server/chat/prompt";

import type { BenchCase, BenchContext } from "../lib/context";
import { balanceMismatches } from "../lib/ledger-checks";
import { atMost, fmt, type CaseReport } from "../lib/report";
import { mean, median } from "../lib/stats";

const CHATS = 20;
const DEMO_DELAY_MS = 5;
const QUESTION = "How do prepaid credits stay exact when many replies stream at once?";

interface Reply {
  ttftMs: number;
  totalMs: number;
  tokens: number;
}

interface RunStats {
  ttftMs: number;
  tokensPerSec: number;
  replies: number;
}

async function metered(deps: ChatDeps, userId: string): Promise<Reply> {
  const conversation = await createConversation(deps.db, userId);
  const t0 = performance.now();
  const run = await sendMessage(deps, { userId, conversationId: conversation.id, content: QUESTION });
  let ttft = NaN;
  let tokens = 0;
  for await (const event of run.events) {
    if (event.type === "delta" && Number.isNaN(ttft)) ttft = performance.now() - t0;
    if (event.type === "done") {
      if (event.status !== "complete") throw new Error(`reply ended ${event.status}`);
      tokens = event.usage.outputTokens;
    }
  }
  return { ttftMs: ttft, totalMs: performance.now() - t0, tokens };
}

async function bare(deps: ChatDeps): Promise<Reply> {
  const prompt = buildPrompt([], QUESTION);
  const t0 = performance.now();
  const result = streamText({ model: deps.model.model, system: prompt.system, messages: prompt.messages, maxOutputTokens: deps.config.maxOutputTokens });
  let ttft = NaN;
  let tokens = 0;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && Number.isNaN(ttft)) ttft = performance.now() - t0;
    if (part.type === "finish") tokens = part.totalUsage.outputTokens ?? 0;
  }
  return { ttftMs: ttft, totalMs: performance.now() - t0, tokens };
}

async function loop(durationSec: number, once: () => Promise<Reply>): Promise<RunStats> {
  const replies: Reply[] = [];
  const end = performance.now() + durationSec * 1000;
  await Promise.all(
    Array.from({ length: CHATS }, async () => {
      while (performance.now() < end) replies.push(await once());
    }),
  );
  return {
    ttftMs: median(replies.map((r) => r.ttftMs)),
    // Per reply: tokens over the whole reply (settlement included for the metered one).
    tokensPerSec: mean(replies.map((r) => r.tokens / (r.totalMs / 1000))),
    replies: replies.length,
  };
}

async function checkSettled(ctx: BenchContext, report: CaseReport, userId: string, replies: number): Promise<void> {
  const holds = await ctx.db.creditHold.groupBy({ by: ["status"], where: { userId }, _count: true });
  const active = holds.find((h) => h.status === "active")?._count ?? 0;
  const settled = holds.find((h) => h.status === "settled")?._count ?? 0;
  report.check("no hold left active after the replies", active === 0, `${active} active`);
  report.check(`every metered reply settled once (${replies})`, settled === replies, `${settled} settled`);
  const charges = await ctx.sql.query<{ n: string; charged: string; ledger: string }>(
    `SELECT COUNT(*) AS n, SUM(m."creditsCharged") AS charged,
            (SELECT -SUM(amount) FROM "CreditLedger" WHERE "userId" = $1 AND reason = 'chat_usage') AS ledger
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
      WHERE c."userId" = $1 AND m.role = 'assistant' AND m.status = 'complete' AND m."creditsCharged" > 0`,
    [userId],
  );
  const row = charges.rows[0]!;
  report.check("credits charged on messages == chat_usage in the ledger", Number(row.n) === replies && row.charged === row.ledger, `${row.n} msgs, ${row.charged} vs ${row.ledger}`);
  const mismatches = await balanceMismatches(ctx.sql, [userId]);
  report.check("balance == sum(ledger)", mismatches.length === 0, mismatches.join("; "));
}

export const chatMetering: BenchCase = {
  id: "5",
  title: "Chat metering overhead",
  async run(ctx, report) {
    const user = await ctx.db.user.create({ data: { email: `bench-chat-${Date.now()}@example.test` } });
    await grant(ctx.db, { userId: user.id, amount: 1_000_000_000, reason: "adjustment", refType: "bench_seed", refId: user.id });
    const deps: ChatDeps = {
      db: ctx.db,
      model: { model: new DemoLanguageModel({ delayMs: DEMO_DELAY_MS }), id: "demo", label: "Demo model", demo: true },
      config: chatConfigFromEnv(),
      rateLimitStore: chatRateLimitStore(ctx.db),
      maxTitleChars: 120,
    };
    report.note(`${CHATS} concurrent chats against the demo model at ${DEMO_DELAY_MS} ms/token, in the harness process`);

    let meteredReplies = 0;
    const on: RunStats[] = [];
    const off: RunStats[] = [];
    const warm = ctx.opts.quick ? 0.3 : 1;
    meteredReplies += (await loop(warm, () => metered(deps, user.id))).replies;
    await loop(warm, () => bare(deps));
    for (let run = 0; run < ctx.opts.runs; run++) {
      const m = await loop(ctx.opts.durationSec, () => metered(deps, user.id));
      meteredReplies += m.replies;
      on.push(m);
      off.push(await loop(ctx.opts.durationSec, () => bare(deps)));
    }
    await checkSettled(ctx, report, user.id, meteredReplies);

    const ttftOn = median(on.map((r) => r.ttftMs));
    const ttftOff = median(off.map((r) => r.ttftMs));
    const tpsOn = median(on.map((r) => r.tokensPerSec));
    const tpsOff = median(off.map((r) => r.tokensPerSec));
    const why = "reserve before the first token, see notes";
    report.note(
      "before the first token sendMessage checks the conversation, counts the rate limit, sweeps stale holds, loads history and commits the worst-case hold + both messages in one transaction; the reply ends only after the settle transaction. The bare model does none of this, so the ratio is the full price of never streaming an unpaid token",
    );
    const ttft = atMost(ttftOn / ttftOff, 1.1, why);
    const tps = atMost(tpsOff / tpsOn, 1.1, why);
    report.row("time to first token, metered", fmt.ms(ttftOn), { ratio: `${fmt.ratio(ttftOn / ttftOff)} of bare`, target: "≤ 1.10×", result: ttft.text });
    report.row("time to first token, bare model", fmt.ms(ttftOff));
    report.row("tokens/s per reply, metered", fmt.rate(tpsOn, "tok/s"), { ratio: `bare = ${fmt.ratio(tpsOff / tpsOn)} of it`, target: "≤ 1.10×", result: tps.text });
    report.row("tokens/s per reply, bare model", fmt.rate(tpsOff, "tok/s"));
  },
};
