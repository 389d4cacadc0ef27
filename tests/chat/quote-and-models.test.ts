import { readFileSync } from "node:fs";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createChatRouter } from "~/server/api/routers/chat";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { getBalance } from "~/server/credits";
import { RULES } from "~/server/rate-limit";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  settleStaleReplies,
  type CatalogModel,
  type ChatCatalog,
  type ChatStreamEvent,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens, turnTokens, type PromptTurn } from "~/server/chat/prompt";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { codeOf, drain, fundedUser, scriptedModel, waitFor } from "./helpers";

vi.setConfig({ testTimeout: 120_000 });

const USAGE = { inputTokens: 40, outputTokens: 20 };

function model(id: string, prices: [number, number], contextTokens: number, maxOutputTokens = 512): CatalogModel {
  return {
    model: scriptedModel({ chunks: ["An", " answer."], usage: USAGE }),
    id,
    label: id,
    demo: false,
    creditsPer1kInputTokens: prices[0],
    creditsPer1kOutputTokens: prices[1],
    contextTokens,
    maxOutputTokens,
    typicalOutputTokens: Math.min(200, maxOutputTokens),
  };
}

/** Two priced models plus one with a tiny context budget. */
const CATALOG: ChatCatalog = {
  models: [
    model("cheap", [100, 300], 8000, 1024),
    model("pricey", [250, 1000], 16000, 2048),
    model("tiny", [120, 400], 300, 256),
  ],
  defaultId: "cheap",
};
const byId = (id: string) => CATALOG.models.find((m) => m.id === id)!;

function callerFor(db: TestDb["db"], userId: string | null, catalog: ChatCatalog = CATALOG) {
  const router = createTRPCRouter({ chat: createChatRouter({ catalog: () => catalog }) });
  return createCallerFactory(router)({ db, userId, headers: new Headers() }).chat;
}

type Start = Extract<ChatStreamEvent, { type: "start" }>;

describeEachDb("chat quote, models and context budget", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 10 });
  });
  afterAll(() => t.close());

  /** Stored history: complete user/assistant pairs, oldest first, a millisecond apart. */
  async function seedHistory(conversationId: string, turns: PromptTurn[]) {
    const base = Date.now() - 60_000;
    await t.db.message.createMany({
      data: turns.map((turn, i) => ({
        conversationId,
        role: turn.role,
        content: turn.content,
        status: "complete" as const,
        createdAt: new Date(base + i),
      })),
    });
  }

  it("property: chat.quote's maxCredits is exactly the hold startExchange places, for any text, history, model and kind", async () => {
    const piece = fc.constantFrom(
      "hello ",
      "world",
      "?",
      " ",
      "日本語",
      "の",
      "😀",
      "ça va",
      "1234567",
      "\n",
      "Straße ",
      "**bold** ",
    );
    const text = fc
      .array(piece, { minLength: 1, maxLength: 60 })
      .map((parts) => parts.join(""))
      .filter((s) => s.trim().length > 0);
    const history = fc.array(fc.tuple(text, text), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        text,
        history,
        fc.constantFrom(...CATALOG.models.map((m) => m.id)),
        fc.constantFrom("send" as const, "regenerate" as const, "edit" as const),
        async (content, pairs, modelId, exchangeKind) => {
          const user = await fundedUser(t.db, 1_000_000);
          const chat = callerFor(t.db, user.id);
          const conv = await chat.createConversation({});
          // regenerate and edit need a finished exchange to replace.
          const turns = (exchangeKind === "send" ? pairs : [...pairs, [content, "A reply."] as const]).flatMap(
            ([q, a]): PromptTurn[] => [
              { role: "user", content: q.trim() },
              { role: "assistant", content: a.trim() },
            ],
          );
          await seedHistory(conv.id, turns);

          const before = await snapshot(t.db);
          const quote = await chat.quote({ conversationId: conv.id, content, modelId, kind: exchangeKind });
          expect(await snapshot(t.db)).toEqual(before); // a quote writes nothing

          const events =
            exchangeKind === "send"
              ? await chat.send({ conversationId: conv.id, content, modelId })
              : exchangeKind === "regenerate"
                ? await chat.regenerate({ conversationId: conv.id, modelId })
                : await chat.editLast({ conversationId: conv.id, content, modelId });
          const all = await drain(events);
          const start = all[0] as Start;
          const hold = await t.db.creditHold.findUniqueOrThrow({
            where: { refType_refId: { refType: CHAT_REF_TYPE, refId: start.assistantMessageId } },
          });
          expect(hold.amount).toBe(quote.maxCredits);
          expect(quote.modelId).toBe(modelId);
          expect(quote.likelyCredits).toBeLessThanOrEqual(quote.maxCredits);
          expect(quote.covers).toBe(true);
        },
      ),
      { numRuns: kind === "pglite" ? 30 : 20 },
    );
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("charges the chosen model's prices: same text, two models, two ledger amounts, each at its model's price", async () => {
    const user = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, user.id);
    const charged: Record<string, number> = {};
    for (const modelId of ["cheap", "pricey"]) {
      const conv = await chat.createConversation({});
      const all = await drain(await chat.send({ conversationId: conv.id, content: "Same question", modelId }));
      const start = all[0] as Start;
      const message = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
      expect(message.model).toBe(modelId);
      const ledger = await t.db.creditLedger.findFirstOrThrow({
        where: { refType: CHAT_REF_TYPE, refId: start.assistantMessageId },
      });
      charged[modelId] = -ledger.amount;
      expect(charged[modelId]).toBe(creditsFor(USAGE, byId(modelId)));
      expect(message.creditsCharged).toBe(charged[modelId]);
    }
    // 40 in + 20 out: 100/300 per 1,000 → 10 credits; 250/1,000 → 30 credits.
    expect(charged).toEqual({ cheap: 10, pricey: 30 });
    const balance = await getBalance(t.db, user.id);
    expect(balance).toEqual({ balance: 100_000 - 40, held: 0, spendable: 100_000 - 40 });
  });

  it("the conversation remembers the chosen model for its next message and quote", async () => {
    const user = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, user.id);
    const conv = await chat.createConversation({});
    expect((await chat.quote({ conversationId: conv.id, content: "Hi" })).modelId).toBe("cheap");
    await drain(await chat.send({ conversationId: conv.id, content: "First", modelId: "pricey" }));
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).modelId).toBe("pricey");
    expect((await chat.listConversations()).find((c) => c.id === conv.id)?.modelId).toBe("pricey");
    expect((await chat.quote({ conversationId: conv.id, content: "Hi" })).modelId).toBe("pricey");
    const all = await drain(await chat.send({ conversationId: conv.id, content: "Second" }));
    const reply = await t.db.message.findUniqueOrThrow({ where: { id: (all[0] as Start).assistantMessageId } });
    expect(reply.model).toBe("pricey");
    const messages = await chat.messages({ conversationId: conv.id });
    expect(messages.filter((m) => m.role === "assistant").map((m) => m.model)).toEqual(["pricey", "pricey"]);
  });

  it("a different model changes the quote: the same text costs each model's price", async () => {
    const user = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, user.id);
    const cheap = await chat.quote({ content: "How much is this?", modelId: "cheap" });
    const pricey = await chat.quote({ content: "How much is this?", modelId: "pricey" });
    expect(pricey.inputTokens).toBe(cheap.inputTokens);
    expect(cheap.maxCredits).toBe(Math.ceil((cheap.inputTokens * 100 + 1024 * 300) / 1000));
    expect(pricey.maxCredits).toBe(Math.ceil((pricey.inputTokens * 250 + 2048 * 1000) / 1000));
    expect(cheap.likelyCredits).toBe(Math.ceil((cheap.inputTokens * 100 + 200 * 300) / 1000));
    expect(pricey.maxCredits).toBeGreaterThan(cheap.maxCredits);
  });

  it("the context budget: a long conversation's prompt stays within it, the left-out count is exact, the quote stays bounded", async () => {
    const user = await fundedUser(t.db, 1_000_000);
    const chat = callerFor(t.db, user.id);
    const tiny = byId("tiny");
    const conv = await chat.createConversation({});
    const long = Array.from({ length: 40 }, (_, i): PromptTurn[] => [
      { role: "user", content: `question ${i} ${"lorem ipsum ".repeat(3)}` },
      { role: "assistant", content: `answer ${i} ${"dolor sit amet ".repeat(4)}` },
    ]).flat();
    await seedHistory(conv.id, long);

    // The expected cut, computed here from the estimator: newest first while it fits, never opening on a reply.
    const content = "And now?";
    const quote = await chat.quote({ conversationId: conv.id, content, modelId: "tiny" });
    let budget = tiny.contextTokens - estimatePromptTokens(buildPrompt([], content));
    let kept = 0;
    for (const turn of [...long].reverse()) {
      if (turnTokens(turn) > budget) break;
      budget -= turnTokens(turn);
      kept += 1;
    }
    if ([...long].reverse()[kept - 1]?.role === "assistant") kept -= 1;
    expect(kept).toBeGreaterThan(0);
    expect(quote.omittedTurns).toBe(long.length - kept);
    expect(quote.inputTokens).toBeLessThanOrEqual(tiny.contextTokens);

    // The prompt the model gets is the one quoted.
    const all = await drain(await chat.send({ conversationId: conv.id, content, modelId: "tiny" }));
    const reply = await t.db.message.findUniqueOrThrow({ where: { id: (all[0] as Start).assistantMessageId } });
    expect(reply.status).toBe("complete");
    const scripted = tiny.model as ReturnType<typeof scriptedModel>;
    const prompt = scripted.doStreamCalls.at(-1)!.prompt;
    expect(prompt.length).toBe(1 + kept + 1); // system, kept history, the new message
    expect(prompt[1]!.role).toBe("user");

    // Ten times the history: the quote does not grow.
    await seedHistory(conv.id, Array.from({ length: 10 }, () => long).flat());
    const later = await chat.quote({ conversationId: conv.id, content, modelId: "tiny" });
    expect(later.inputTokens).toBeLessThanOrEqual(tiny.contextTokens);
    expect(later.maxCredits).toBeLessThanOrEqual(
      Math.ceil((tiny.contextTokens * 120 + tiny.maxOutputTokens * 400) / 1000),
    );
    expect(later.omittedTurns).toBeGreaterThan(quote.omittedTurns);
  });

  it("a message larger than the budget alone goes without history (all earlier turns counted as left out)", async () => {
    const user = await fundedUser(t.db, 1_000_000);
    const chat = callerFor(t.db, user.id);
    const conv = await chat.createConversation({});
    await seedHistory(conv.id, [
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ]);
    const quote = await chat.quote({ conversationId: conv.id, content: "字".repeat(400), modelId: "tiny" });
    expect(quote.omittedTurns).toBe(2);
  });

  it("an unknown modelId is BAD_REQUEST on send, regenerate, editLast and quote, and nothing is written", async () => {
    const scripted = scriptedModel({ chunks: ["x"], usage: USAGE });
    const catalog: ChatCatalog = { models: [{ ...byId("cheap"), model: scripted }], defaultId: "cheap" };
    const user = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, user.id, catalog);
    const conv = await chat.createConversation({});
    await drain(await chat.send({ conversationId: conv.id, content: "first" }));
    const calls = scripted.doStreamCalls.length;
    const before = await snapshot(t.db);
    const stored = await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } });
    for (const modelId of ["nope", "CHEAP", "pricey"]) {
      expect(await codeOf(chat.send({ conversationId: conv.id, content: "hi", modelId }))).toBe("BAD_REQUEST");
      expect(await codeOf(chat.regenerate({ conversationId: conv.id, modelId }))).toBe("BAD_REQUEST");
      expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "hi", modelId }))).toBe("BAD_REQUEST");
      expect(await codeOf(chat.quote({ conversationId: conv.id, content: "hi", modelId }))).toBe("BAD_REQUEST");
    }
    const error = await chat.quote({ content: "hi", modelId: "nope" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Unknown model/);
    expect(await snapshot(t.db)).toEqual(before);
    expect(await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).toEqual(stored);
    expect(scripted.doStreamCalls.length).toBe(calls);
  });

  it("chat.quote: another user's conversation is NOT_FOUND; no session is UNAUTHORIZED; covers follows the spendable balance", async () => {
    const owner = await fundedUser(t.db, 100_000);
    const conv = await callerFor(t.db, owner.id).createConversation({});
    const poor = await fundedUser(t.db, 50);
    expect(await codeOf(callerFor(t.db, poor.id).quote({ conversationId: conv.id, content: "hi" }))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(t.db, null).quote({ content: "hi" }))).toBe("UNAUTHORIZED");
    const quote = await callerFor(t.db, poor.id).quote({ content: "hi" });
    expect(quote).toMatchObject({ spendable: 50, covers: false });
    expect(quote.maxCredits).toBeGreaterThan(50);
    // And the exchange it quoted is indeed refused.
    const poorConv = await callerFor(t.db, poor.id).createConversation({});
    expect(await codeOf(callerFor(t.db, poor.id).send({ conversationId: poorConv.id, content: "hi" }))).toBe(
      "PAYMENT_REQUIRED",
    );
  });

  it("chat.models is public and lists every model with its prices, context and a typical message's likely cost", async () => {
    const models = await callerFor(t.db, null).models();
    expect(models.map((m) => [m.id, m.creditsPer1kInputTokens, m.creditsPer1kOutputTokens, m.contextTokens])).toEqual([
      ["cheap", 100, 300, 8000],
      ["pricey", 250, 1000, 16000],
      ["tiny", 120, 400, 300],
    ]);
    expect(models.find((m) => m.isDefault)?.id).toBe("cheap");
    const [cheap, pricey] = models;
    expect(cheap!.typicalMessageCredits).toBeGreaterThan(0);
    expect(pricey!.typicalMessageCredits).toBeGreaterThan(cheap!.typicalMessageCredits);
  });

  it("a reply that died is settled by the sweep at its own model's prices", async () => {
    const config = { ...chatConfigFromEnv(), models: CATALOG.models };
    const user = await fundedUser(t.db, 100_000);
    const hanging = scriptedModel({ chunks: ["partial"], hang: true });
    const catalog: ChatCatalog = { models: [{ ...byId("pricey"), model: hanging }], defaultId: "pricey" };
    const chat = callerFor(t.db, user.id, catalog);
    const conv = await chat.createConversation({});
    const events = await chat.send({ conversationId: conv.id, content: "Tell me" });
    const reader = events[Symbol.asyncIterator]();
    const start = (await reader.next()).value as Start;
    // The delivered text and tokens reach the message (the run's progress writes), then the process "dies".
    await waitFor(async () => {
      const m = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
      return m.content === "partial" && m.inputTokens !== null;
    });
    const m = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
    const later = new Date(Date.now() + (config.holdTtlSeconds + 5) * 1000);
    expect(await settleStaleReplies(t.db, config, { userId: user.id, now: later })).toBe(1);
    const ledger = await t.db.creditLedger.findFirstOrThrow({
      where: { refType: CHAT_REF_TYPE, refId: start.assistantMessageId },
    });
    expect(-ledger.amount).toBe(
      creditsFor({ inputTokens: m.inputTokens!, outputTokens: m.outputTokens! }, byId("pricey")),
    );
    await reader.return?.();
  });
});

describe("chat.quote's rate limit is its own, at the API edge", () => {
  it("is declared on the router with a generous budget", async () => {
    expect(RULES.chatQuotePerUser.limit).toBeGreaterThanOrEqual(10 * RULES.chatPerUser.limit);
    const source = readFileSync("src/server/api/routers/chat.ts", "utf8");
    expect(source).toMatch(/quote: protectedProcedure[\s\S]*?\.input\([\s\S]*?\.use\(LIMITS\.chatQuote\)/);
  });
});
