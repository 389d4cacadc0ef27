import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance } from "~/server/credits";
import { chatConfigFromEnv, creditsFor, getChatModel, worstCaseCredits, type ChatStreamEvent } from "~/server/chat";
import { DEFAULT_CONTEXT_TOKENS } from "~/server/chat/catalog";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import { countTokens } from "~/server/chat/tokens";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { ledgerSum } from "../helpers/users";
import { createChatRouter } from "~/server/api/routers/chat";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { asChatModel, chatCallerFor, doneOf, drain, fundedUser, scriptedModel, textOf, waitFor } from "./helpers";

// The first reply on a cold database (PGlite boot, AI SDK import) can take seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const QUESTION = "What is the capital of France?";
const estimate = estimatePromptTokens(buildPrompt([], QUESTION));
const worstCase = worstCaseCredits(estimate, config);

describeEachDb("chat metering", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  async function setup(
    credits: number,
    model = scriptedModel({ chunks: ["Paris", " is", " the capital."], usage: { inputTokens: 42, outputTokens: 7 } }),
  ) {
    const u = await fundedUser(t.db, credits);
    const chat = chatCallerFor(t.db, u.id, asChatModel(model)).chat;
    const conv = await chat.createConversation({});
    return { u, chat, conv, model };
  }

  async function expectClean(userId: string) {
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    const b = await getBalance(t.db, userId);
    expect(b.held).toBe(0);
    expect(b.balance).toBe(await ledgerSum(t.db, userId));
    return b;
  }

  it("too few credits: PAYMENT_REQUIRED before the model is called, nothing written", async () => {
    const { chat, conv, model } = await setup(worstCase - 1);
    const before = await snapshot(t.db);
    const error = await chat.send({ conversationId: conv.id, content: QUESTION }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("PAYMENT_REQUIRED");
    expect(model.doStreamCalls).toHaveLength(0);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reserves the worst case before the model runs, then charges the provider-reported usage and frees the rest", async () => {
    const { u, chat, conv, model } = await setup(10_000);
    const events = await chat.send({ conversationId: conv.id, content: QUESTION });
    // The call has resolved: the hold is in place, the model may not even have been asked yet.
    const hold = await t.db.creditHold.findFirstOrThrow({ where: { userId: u.id } });
    expect(hold.amount).toBe(worstCase);
    const all = await drain(events);
    expect(model.doStreamCalls).toHaveLength(1);
    expect(model.doStreamCalls[0]!.maxOutputTokens).toBe(config.maxOutputTokens);

    const start = all[0] as Extract<ChatStreamEvent, { type: "start" }>;
    expect(start).toMatchObject({ type: "start", conversationId: conv.id });
    expect(all.filter((e) => e.type === "delta").map((e) => (e as { text: string }).text)).toEqual([
      "Paris",
      " is",
      " the capital.",
    ]);
    const done = doneOf(all);
    const charged = creditsFor({ inputTokens: 42, outputTokens: 7 }, config);
    expect(done).toEqual({
      type: "done",
      status: "complete",
      usage: { inputTokens: 42, outputTokens: 7 },
      creditsCharged: charged,
    });

    const b = await expectClean(u.id);
    expect(b.balance).toBe(10_000 - charged);
    const rows = await t.db.creditLedger.findMany({ where: { userId: u.id, reason: "chat_usage" } });
    expect(rows.map((r) => [r.refType, r.refId, r.amount])).toEqual([
      ["chat_message", start.assistantMessageId, -charged],
    ]);
    const message = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
    expect(message).toMatchObject({
      content: "Paris is the capital.",
      status: "complete",
      inputTokens: 42,
      outputTokens: 7,
      creditsCharged: charged,
    });
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: hold.id } })).status).toBe("settled");
  });

  it("without provider usage, charges the counted tokens", async () => {
    const { u, chat, conv } = await setup(10_000, scriptedModel({ chunks: ["Un", " deux", " trois"], usage: null }));
    const done = doneOf(await drain(await chat.send({ conversationId: conv.id, content: QUESTION })));
    const usage = { inputTokens: estimate, outputTokens: countTokens("Un deux trois") };
    expect(done.usage).toEqual(usage);
    expect(done.creditsCharged).toBe(creditsFor(usage, config));
    expect((await expectClean(u.id)).balance).toBe(10_000 - done.creditsCharged);
  });

  it("stop mid-stream (request aborted) charges only what was generated", async () => {
    const u = await fundedUser(t.db, 10_000);
    const ac = new AbortController();
    const model = getChatModel({ modelId: "demo", demoDelayMs: 15 });
    const chat = chatCallerFor(t.db, u.id, model, ac.signal).chat;
    const conv = await chat.createConversation({});
    const all: ChatStreamEvent[] = [];
    for await (const e of await chat.send({ conversationId: conv.id, content: QUESTION })) {
      all.push(e);
      if (all.filter((x) => x.type === "delta").length === 3) ac.abort();
    }
    const done = doneOf(all);
    const text = textOf(all);
    expect(done.status).toBe("stopped");
    expect(done.usage).toEqual({ inputTokens: estimate, outputTokens: countTokens(text) });
    expect(countTokens(text)).toBeLessThan(10);
    expect(done.creditsCharged).toBe(creditsFor(done.usage, config));
    expect(done.creditsCharged).toBeLessThan(creditsFor({ inputTokens: estimate, outputTokens: 50 }, config));
    const start = all[0] as Extract<ChatStreamEvent, { type: "start" }>;
    expect(await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } })).toMatchObject({
      status: "stopped",
      content: text,
    });
    expect((await expectClean(u.id)).balance).toBe(10_000 - done.creditsCharged);
  });

  it("a reader that goes away stops the reply; it is still settled", async () => {
    const { u, chat, conv } = await setup(
      10_000,
      scriptedModel({ chunks: Array.from({ length: 200 }, (_, i) => ` w${i}`), delayMs: 5 }),
    );
    let deltas = 0;
    for await (const e of await chat.send({ conversationId: conv.id, content: QUESTION })) {
      if (e.type === "delta" && ++deltas === 2) break;
    }
    await waitFor(async () => (await t.db.creditHold.count({ where: { userId: u.id, status: "active" } })) === 0);
    const message = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    expect(message.status).toBe("stopped");
    expect(message.outputTokens).toBeLessThan(200);
    expect((await expectClean(u.id)).balance).toBe(10_000 - message.creditsCharged!);
  });

  it("a reader that leaves before its first read still stops and settles the reply", async () => {
    const { u, chat, conv } = await setup(
      10_000,
      scriptedModel({ chunks: Array.from({ length: 500 }, (_, i) => ` w${i}`), delayMs: 5 }),
    );
    const events = await chat.send({ conversationId: conv.id, content: QUESTION });
    // What tRPC does with the stream of a request aborted before its first event.
    await events[Symbol.asyncIterator]().return?.();
    await waitFor(async () => (await t.db.creditHold.count({ where: { userId: u.id, status: "active" } })) === 0);
    const message = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    expect(message.status).toBe("stopped");
    expect((await expectClean(u.id)).balance).toBe(10_000 - message.creditsCharged!);
  });

  it("the prompt carries a history bounded by the model's context budget that starts with a user turn", async () => {
    const model = scriptedModel({ chunks: ["ok"], usage: { inputTokens: 1, outputTokens: 1 } });
    const { chat, conv } = await setup(100_000, model);
    const base = Date.now() - 60_000;
    await t.db.message.createMany({
      data: Array.from({ length: 41 }, (_, i) => ({
        conversationId: conv.id,
        role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
        content: `turn ${i} ${"lorem ipsum ".repeat(100)}`,
        createdAt: new Date(base + i * 10),
      })),
    });
    await drain(await chat.send({ conversationId: conv.id, content: QUESTION }));
    const prompt = model.doStreamCalls[0]!.prompt;
    expect(prompt[0]!.role).toBe("system");
    expect(prompt[1]!.role).toBe("user");
    // 41 turns of ~200 tokens do not fit 8,000: only the newest do.
    expect(prompt.length - 2).toBeLessThan(41);
    expect(
      estimatePromptTokens({
        system: prompt[0]!.content as string,
        messages: prompt.slice(1).map((m) => ({
          role: m.role as "user",
          content: (m.content as { text: string }[]).map((p) => p.text).join(""),
        })),
      }),
    ).toBeLessThanOrEqual(DEFAULT_CONTEXT_TOKENS);
    const last = prompt.at(-1)!;
    expect(last.role === "user" && last.content[0]).toMatchObject({ type: "text", text: QUESTION });
  });

  it("a stream nobody reads still completes and settles", async () => {
    const { u, chat, conv } = await setup(10_000);
    await chat.send({ conversationId: conv.id, content: QUESTION });
    await waitFor(async () => (await t.db.creditHold.count({ where: { userId: u.id, status: "active" } })) === 0);
    const charged = creditsFor({ inputTokens: 42, outputTokens: 7 }, config);
    expect((await expectClean(u.id)).balance).toBe(10_000 - charged);
  });

  it("a model error mid-stream reports done/error and charges only what was generated", async () => {
    const { u, chat, conv } = await setup(
      10_000,
      scriptedModel({ chunks: ["Part", "ial", " answer", " never"], failAfter: 2 }),
    );
    const all = await drain(await chat.send({ conversationId: conv.id, content: QUESTION }));
    const done = doneOf(all);
    expect(textOf(all)).toBe("Partial");
    expect(done.status).toBe("error");
    expect(done.error).toBe("model_error");
    expect(done.usage).toEqual({ inputTokens: estimate, outputTokens: countTokens("Partial") });
    expect(done.creditsCharged).toBe(creditsFor(done.usage, config));
    expect((await expectClean(u.id)).balance).toBe(10_000 - done.creditsCharged);
  });

  it("a model that fails before any output: hold released, nothing charged, message marked error", async () => {
    const { u, chat, conv } = await setup(10_000, scriptedModel({ chunks: [], failAtStart: true }));
    const all = await drain(await chat.send({ conversationId: conv.id, content: QUESTION }));
    const done = doneOf(all);
    expect(done).toMatchObject({ status: "error", creditsCharged: 0, usage: { inputTokens: 0, outputTokens: 0 } });
    expect((await expectClean(u.id)).balance).toBe(10_000);
    expect(await t.db.creditLedger.count({ where: { userId: u.id, reason: "chat_usage" } })).toBe(0);
    expect(await t.db.creditHold.findFirstOrThrow({ where: { userId: u.id } })).toMatchObject({ status: "released" });
    expect(
      await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } }),
    ).toMatchObject({ status: "error" });
  });

  for (const n of [2, 10]) {
    it(`${n} concurrent chats from one account never overdraw it`, async () => {
      // Enough for one and a half worst cases: only one reservation can fit at a time.
      const credits = Math.floor(worstCase * 1.5);
      const model = scriptedModel({ chunks: ["a", "b", "c"], usage: { inputTokens: 30, outputTokens: 3 }, delayMs: 2 });
      const { u, chat, conv } = await setup(credits, model);
      const results = await Promise.allSettled(
        Array.from({ length: n }, async () => drain(await chat.send({ conversationId: conv.id, content: QUESTION }))),
      );
      const ok = results.filter((r): r is PromiseFulfilledResult<ChatStreamEvent[]> => r.status === "fulfilled");
      const refused = results.filter((r) => r.status === "rejected");
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of refused) expect(((r as PromiseRejectedResult).reason as TRPCError).code).toBe("PAYMENT_REQUIRED");
      expect(model.doStreamCalls).toHaveLength(ok.length);
      const charged = ok.reduce((sum, r) => sum + doneOf(r.value).creditsCharged, 0);
      const b = await expectClean(u.id);
      expect(b.balance).toBe(credits - charged);
      expect(b.balance).toBeGreaterThanOrEqual(0);
      // One ledger row per assistant message that was charged, none for refused attempts.
      const rows = await t.db.creditLedger.findMany({ where: { userId: u.id, reason: "chat_usage" } });
      const assistantIds = ok.map(
        (r) => (r.value[0] as Extract<ChatStreamEvent, { type: "start" }>).assistantMessageId,
      );
      expect(rows.map((r) => r.refId).sort()).toEqual([...assistantIds].sort());
      expect(await t.db.message.count({ where: { conversationId: conv.id } })).toBe(ok.length * 2);
    });
  }

  it("with CHAT_STREAM_FRAME_MS a fast model's pieces arrive merged: fewer frames, the same text, stored and charged alike", async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => ` w${i}`);
    const model = scriptedModel({ chunks, usage: { inputTokens: 20, outputTokens: 40 }, delayMs: 2 });
    const u = await fundedUser(t.db, 10_000);
    const router = createTRPCRouter({
      chat: createChatRouter({ model: () => asChatModel(model), config: () => ({ ...config, streamFrameMs: 40 }) }),
    });
    const chat = createCallerFactory(router)({ db: t.db, userId: u.id, headers: new Headers() }).chat;
    const conv = await chat.createConversation({});
    const all = await drain(await chat.send({ conversationId: conv.id, content: QUESTION }));
    const deltas = all.filter((e) => e.type === "delta").map((e) => (e as { text: string }).text);
    expect(deltas[0]).toBe(chunks[0]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.length).toBeLessThan(chunks.length / 2);
    expect(deltas.join("")).toBe(chunks.join(""));
    const done = doneOf(all);
    expect(done.creditsCharged).toBe(creditsFor({ inputTokens: 20, outputTokens: 40 }, config));
    const start = all[0] as Extract<ChatStreamEvent, { type: "start" }>;
    const stored = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
    expect(stored.content).toBe(chunks.join(""));
    await expectClean(u.id);
  });
});
