import type { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance, reserve } from "~/server/credits";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  sendMessage,
  settleStaleReplies,
  worstCaseCredits,
  type ChatDeps,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import { env } from "~/env";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import {
  asChatModel,
  chatCallerFor,
  codeOf,
  doneOf,
  drain,
  fundedUser,
  scriptedModel,
  startEarlyInChatLimitWindow,
} from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const worstCase = worstCaseCredits(estimatePromptTokens(buildPrompt([], "hello")), config);

describeEachDb("chat stale replies and rate limits", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  function deps(model: MockLanguageModelV3, holdTtlSeconds = config.holdTtlSeconds): ChatDeps {
    const chatConfig = { ...config, holdTtlSeconds, progressIntervalMs: 20 };
    return { db: t.db, model: asChatModel(model), config: chatConfig, maxTitleChars: 120 };
  }

  it("the sweep settles a reply that outlived its TTL from what it had delivered; the late run charges nothing more", async () => {
    const u = await fundedUser(t.db, 10_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "x" } });
    // A reply that never finishes on its own, as if its process had hung.
    const model = scriptedModel({ chunks: Array.from({ length: 10_000 }, () => " w"), delayMs: 20 });
    const run = await sendMessage(deps(model, 1), { userId: u.id, conversationId: conv.id, content: "hello" });
    expect((await getBalance(t.db, u.id)).held).toBeGreaterThan(0);
    const assistant = () => t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    await vi.waitFor(async () => expect((await assistant()).outputTokens).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 20,
    });

    expect(
      await settleStaleReplies(t.db, { ...config, holdTtlSeconds: 1 }, { now: new Date(Date.now() + 5_000) }),
    ).toBeGreaterThanOrEqual(1);
    const swept = await assistant();
    expect(swept.status).toBe("stopped");
    expect(swept.content).toMatch(/^( w)+$/);
    const charged = creditsFor({ inputTokens: swept.inputTokens!, outputTokens: swept.outputTokens! }, config);
    expect(swept.creditsCharged).toBe(charged);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 10_000 - charged, held: 0, spendable: 10_000 - charged });

    // When the late reply finally ends, its settle finds the hold settled: nothing is charged twice.
    await run.events.cancel();
    expect((await run.settled).creditsCharged).toBe(charged);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 10_000 - charged, held: 0, spendable: 10_000 - charged });
    expect(await t.db.creditLedger.count({ where: { userId: u.id, refType: CHAT_REF_TYPE } })).toBe(1);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a crashed reply's expired hold is freed when its owner sends again", async () => {
    const credits = Math.floor(worstCase * 1.5);
    const u = await fundedUser(t.db, credits);
    const chat = chatCallerFor(
      t.db,
      u.id,
      asChatModel(scriptedModel({ chunks: ["ok"], usage: { inputTokens: 10, outputTokens: 1 } })),
    ).chat;
    const conv = await chat.createConversation({});
    // What a crash leaves behind: an active hold and a message stuck in "streaming".
    const crashed = await t.db.message.create({
      data: {
        conversationId: conv.id,
        role: "assistant",
        content: "",
        status: "streaming",
        createdAt: new Date(Date.now() - 3_600_000),
      },
    });
    const hold = await reserve(t.db, {
      userId: u.id,
      amount: worstCase,
      refType: CHAT_REF_TYPE,
      refId: crashed.id,
      ttlSeconds: 1,
    });
    await t.db.creditHold.update({ where: { id: hold.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const done = doneOf(await drain(await chat.send({ conversationId: conv.id, content: "hello" })));
    expect(done.status).toBe("complete");
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: hold.id } })).status).toBe("released");
    expect((await t.db.message.findUniqueOrThrow({ where: { id: crashed.id } })).status).toBe("error");
    expect(await getBalance(t.db, u.id)).toEqual({
      balance: credits - done.creditsCharged,
      held: 0,
      spendable: credits - done.creditsCharged,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it(`sends are rate limited per user (${env.RATE_LIMIT_CHAT_PER_USER.limit} per window) before anything is reserved`, async () => {
    const u = await fundedUser(t.db, 1); // every attempt is counted, then refused for credits
    const model = scriptedModel({ chunks: ["never"] });
    const caller = chatCallerFor(t.db, u.id, asChatModel(model));
    const conv = await caller.chat.createConversation({});
    await startEarlyInChatLimitWindow();
    const before = await snapshot(t.db);
    const codes: string[] = [];
    for (let i = 0; i < env.RATE_LIMIT_CHAT_PER_USER.limit + 1; i++) {
      codes.push(await codeOf(caller.chat.send({ conversationId: conv.id, content: "hi" })));
    }
    expect(codes.slice(0, -1).every((c) => c === "PAYMENT_REQUIRED")).toBe(true);
    expect(codes.at(-1)).toBe("TOO_MANY_REQUESTS");
    expect(model.doStreamCalls).toHaveLength(0);
    expect(await snapshot(t.db)).toEqual(before);
    // Another user is not affected.
    const other = await fundedUser(t.db, 1);
    const otherCaller = chatCallerFor(t.db, other.id, asChatModel(model));
    const otherConv = await otherCaller.chat.createConversation({});
    expect(await codeOf(otherCaller.chat.send({ conversationId: otherConv.id, content: "hi" }))).toBe(
      "PAYMENT_REQUIRED",
    );
  });

  it("regenerate and edit-and-resend count against the same per-user budget as send", async () => {
    const u = await fundedUser(t.db, 1);
    const model = scriptedModel({ chunks: ["never"] });
    const caller = chatCallerFor(t.db, u.id, asChatModel(model));
    const conv = await caller.chat.createConversation({});
    await startEarlyInChatLimitWindow();
    for (let i = 0; i < env.RATE_LIMIT_CHAT_PER_USER.limit; i++) {
      await codeOf(caller.chat.send({ conversationId: conv.id, content: "hi" }));
    }
    expect(await codeOf(caller.chat.regenerate({ conversationId: conv.id }))).toBe("TOO_MANY_REQUESTS");
    expect(await codeOf(caller.chat.editLast({ conversationId: conv.id, content: "again" }))).toBe("TOO_MANY_REQUESTS");
    expect(model.doStreamCalls).toHaveLength(0);
  });
});
