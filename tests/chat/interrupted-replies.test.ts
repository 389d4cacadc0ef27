import type { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance } from "~/server/credits";
import { runCreditsCommand } from "~/server/credits/operator-command";
import { jobDepsFromEnv, sweepStaleHoldsNow } from "~/server/jobs";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  sendMessage,
  settleStaleReplies,
  type ChatConfig,
  type ChatDeps,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import { countTokens } from "~/server/chat/tokens";

import { injectLimitedWriteFault } from "../faults/limited-fault";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { asChatModel, drain, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config: ChatConfig = { ...chatConfigFromEnv(), progressIntervalMs: 20 };
const estimate = estimatePromptTokens(buildPrompt([], "hello"));
const FUNDS = 100_000;

describeEachDb("interrupted replies are neither lost nor free", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const deps = (model: MockLanguageModelV3, overrides: Partial<ChatConfig> = {}): ChatDeps => ({
    db: t.db,
    model: asChatModel(model),
    config: { ...config, ...overrides },
    maxTitleChars: 120,
  });

  async function start(model: MockLanguageModelV3, overrides: Partial<ChatConfig> = {}) {
    const u = await fundedUser(t.db, FUNDS);
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "interrupted" } });
    const run = await sendMessage(deps(model, overrides), {
      userId: u.id,
      conversationId: conversation.id,
      content: "hello",
    });
    const assistant = () =>
      t.db.message.findFirstOrThrow({ where: { conversationId: conversation.id, role: "assistant" } });
    return { userId: u.id, run, assistant };
  }
  const usageRows = (userId: string) =>
    t.db.creditLedger.findMany({ where: { userId, refType: CHAT_REF_TYPE }, select: { refId: true, amount: true } });

  it("a reply stopped before its first token, once the provider had the request, is charged its input", async () => {
    const model = scriptedModel({ chunks: [], hang: true });
    const { userId, run, assistant } = await start(model);
    await vi.waitFor(() => expect(model.doStreamCalls).toHaveLength(1), { timeout: 10_000, interval: 10 });
    await run.events.cancel(); // the stop button / the client going away

    const inputOnly = creditsFor({ inputTokens: estimate, outputTokens: 0 }, config);
    expect(inputOnly).toBeGreaterThan(0);
    expect(await run.settled).toMatchObject({
      status: "stopped",
      usage: { inputTokens: estimate, outputTokens: 0 },
      creditsCharged: inputOnly,
    });
    expect(await assistant()).toMatchObject({
      status: "stopped",
      content: "",
      inputTokens: estimate,
      outputTokens: 0,
      creditsCharged: inputOnly,
    });
    expect(await usageRows(userId)).toEqual([{ refId: (await assistant()).id, amount: -inputOnly }]);
    expect(await getBalance(t.db, userId)).toEqual({
      balance: FUNDS - inputOnly,
      held: 0,
      spendable: FUNDS - inputOnly,
    });
  });

  it("a reply whose process died mid-stream: the sweep keeps the delivered text and charges it once; the late run agrees", async () => {
    // Streams three chunks, then the provider (and, as far as the database can tell, the process) goes silent.
    const model = scriptedModel({ chunks: ["Hello", " wor", "ld"], hang: true });
    const { userId, run, assistant } = await start(model);
    await vi.waitFor(async () => expect((await assistant()).content).toBe("Hello world"), {
      timeout: 10_000,
      interval: 20,
    });
    expect(await assistant()).toMatchObject({
      status: "streaming",
      inputTokens: estimate,
      outputTokens: countTokens("Hello world"),
    });

    const delivered = creditsFor({ inputTokens: estimate, outputTokens: countTokens("Hello world") }, config);
    const afterTtl = new Date(Date.now() + (config.holdTtlSeconds + 1) * 1000);
    expect(await settleStaleReplies(t.db, config, { now: afterTtl })).toBe(1);
    const swept = await assistant();
    expect(swept).toMatchObject({ status: "stopped", content: "Hello world", creditsCharged: delivered });
    expect(await t.db.creditHold.findFirstOrThrow({ where: { refId: swept.id } })).toMatchObject({
      status: "settled",
      settledAmount: delivered,
    });
    expect(await getBalance(t.db, userId)).toEqual({
      balance: FUNDS - delivered,
      held: 0,
      spendable: FUNDS - delivered,
    });
    // A second sweep finds nothing to do.
    expect(await settleStaleReplies(t.db, config, { now: afterTtl })).toBe(0);

    // The abandoned run ends after all: its settle meets the closed hold and charges nothing more.
    await run.events.cancel();
    expect(await run.settled).toMatchObject({ status: "stopped", content: "Hello world", creditsCharged: delivered });
    expect(await assistant()).toMatchObject({ status: "stopped", content: "Hello world", creditsCharged: delivered });
    expect(await usageRows(userId)).toEqual([{ refId: swept.id, amount: -delivered }]);
    expect(await getBalance(t.db, userId)).toEqual({
      balance: FUNDS - delivered,
      held: 0,
      spendable: FUNDS - delivered,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("the operator's release-stale-holds settles a dead reply from what it delivered, never for nothing", async () => {
    const model = scriptedModel({ chunks: ["Dead", " end"], hang: true });
    const { userId, run, assistant } = await start(model, { holdTtlSeconds: 1 });
    await vi.waitFor(async () => expect((await assistant()).content).toBe("Dead end"), {
      timeout: 10_000,
      interval: 20,
    });
    const hold = await t.db.creditHold.findFirstOrThrow({ where: { refId: (await assistant()).id } });
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(hold.expiresAt.getTime()), {
      timeout: 5_000,
      interval: 50,
    });

    const sweep = () => sweepStaleHoldsNow({ ...jobDepsFromEnv(), db: t.db, chat: { ...config, holdTtlSeconds: 1 } });
    const out = await runCreditsCommand(t.db, ["release-stale-holds"], { sweepStaleHolds: sweep });
    expect(out.join("\n")).toMatch(/Settled 1 stale chat reply/);

    const delivered = creditsFor({ inputTokens: estimate, outputTokens: countTokens("Dead end") }, config);
    expect(await assistant()).toMatchObject({ status: "stopped", content: "Dead end", creditsCharged: delivered });
    expect(await usageRows(userId)).toEqual([{ refId: (await assistant()).id, amount: -delivered }]);
    await run.events.cancel();
    await run.settled;
    expect(await getBalance(t.db, userId)).toEqual({
      balance: FUNDS - delivered,
      held: 0,
      spendable: FUNDS - delivered,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("progress is written at a bounded rate, not once per token", async () => {
    const chunks = Array.from({ length: 150 }, (_, i) => ` w${i}`);
    const writes = await injectLimitedWriteFault(t, "Message", "error", 0); // counts writes, fails none
    try {
      const started = Date.now();
      const { run, assistant } = await start(scriptedModel({ chunks, delayMs: 2 }), { progressIntervalMs: 100 });
      await drain(run.events);
      const elapsed = Date.now() - started;
      expect(await assistant()).toMatchObject({ status: "complete", content: chunks.join("") });
      // Two messages created, then at most one progress write per interval (plus the first) and the settle.
      expect(await writes.writesSeen()).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 100) + 2);
      expect(await writes.writesSeen()).toBeLessThan(chunks.length / 2);
    } finally {
      await writes.remove();
    }
  });
});
