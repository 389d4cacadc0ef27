import type { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { env } from "~/env";
import { getBalance } from "~/server/credits";
import { chatConfigFromEnv, creditsFor, worstCaseCredits, type ChatStreamEvent } from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { ledgerSum } from "../helpers/users";
import {
  asChatModel,
  chatCallerFor,
  codeOf,
  doneOf,
  drain,
  fundedUser,
  scriptedModel,
  textOf,
  startEarlyInChatLimitWindow,
} from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const USAGE = { inputTokens: 40, outputTokens: 8 };
const PER_REPLY = creditsFor(USAGE, config);

function promptText(model: MockLanguageModelV3, call: number): string[] {
  return model.doStreamCalls[call]!.prompt.filter((m) => m.role !== "system").map((m) => {
    const content = m.content as string | { type: string; text?: string }[];
    return `${m.role}:${typeof content === "string" ? content : content.map((p) => p.text ?? "").join("")}`;
  });
}

describeEachDb("chat regenerate and edit-and-resend", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 10 });
  });
  afterAll(() => t.close());

  async function setup(credits = 100_000) {
    const model = scriptedModel({ chunks: ["An", " answer."], usage: USAGE });
    const u = await fundedUser(t.db, credits);
    const chat = chatCallerFor(t.db, u.id, asChatModel(model)).chat;
    const conv = await chat.createConversation({});
    return { u, chat, conv, model };
  }

  async function expectAudited(userId: string) {
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    const b = await getBalance(t.db, userId);
    expect(b.held).toBe(0);
    expect(b.balance).toBe(await ledgerSum(t.db, userId));
    // Every chat charge names a stored message that was charged exactly that.
    const rows = await t.db.creditLedger.findMany({ where: { userId, reason: "chat_usage" } });
    for (const row of rows) {
      const message = await t.db.message.findUniqueOrThrow({ where: { id: row.refId } });
      expect(message.creditsCharged).toBe(-row.amount);
    }
    return { balance: b.balance, chatRows: rows.length };
  }

  it("regenerate streams a new reply to the same question, replaces the old one and keeps its charge", async () => {
    const { u, chat, conv, model } = await setup();
    const first = await drain(await chat.send({ conversationId: conv.id, content: "Why is the sky blue?" }));
    const firstStart = first[0] as Extract<ChatStreamEvent, { type: "start" }>;

    const again = await drain(await chat.regenerate({ conversationId: conv.id }));
    const start = again[0] as Extract<ChatStreamEvent, { type: "start" }>;
    expect(start.userMessageId).toBe(firstStart.userMessageId);
    expect(start.assistantMessageId).not.toBe(firstStart.assistantMessageId);
    expect(doneOf(again)).toMatchObject({ status: "complete", creditsCharged: PER_REPLY });
    expect(textOf(again)).toBe("An answer.");
    // The model sees the question without the reply being replaced.
    expect(promptText(model, 1)).toEqual(["user:Why is the sky blue?"]);

    const messages = await chat.messages({ conversationId: conv.id });
    expect(messages.map((m) => m.id)).toEqual([firstStart.userMessageId, start.assistantMessageId]);
    const old = await t.db.message.findUniqueOrThrow({ where: { id: firstStart.assistantMessageId } });
    expect(old).toMatchObject({
      replacedById: start.assistantMessageId,
      creditsCharged: PER_REPLY,
      status: "complete",
    });
    expect(old.replacedAt).toBeInstanceOf(Date);

    const audit = await expectAudited(u.id);
    expect(audit).toEqual({ balance: 100_000 - 2 * PER_REPLY, chatRows: 2 });

    // The next send's history holds the new reply only.
    await drain(await chat.send({ conversationId: conv.id, content: "And at sunset?" }));
    expect(promptText(model, 2)).toEqual(["user:Why is the sky blue?", "assistant:An answer.", "user:And at sunset?"]);
  });

  it("edit replaces the last question and its reply; earlier turns stay in the prompt", async () => {
    const { u, chat, conv, model } = await setup();
    await drain(await chat.send({ conversationId: conv.id, content: "First question" }));
    const second = await drain(await chat.send({ conversationId: conv.id, content: "Second qestion" }));
    const old = second[0] as Extract<ChatStreamEvent, { type: "start" }>;

    const edited = await drain(await chat.editLast({ conversationId: conv.id, content: "  Second question  " }));
    const start = edited[0] as Extract<ChatStreamEvent, { type: "start" }>;
    expect(doneOf(edited).status).toBe("complete");
    expect(promptText(model, 2)).toEqual(["user:First question", "assistant:An answer.", "user:Second question"]);

    const messages = await chat.messages({ conversationId: conv.id });
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "First question"],
      ["assistant", "An answer."],
      ["user", "Second question"],
      ["assistant", "An answer."],
    ]);
    expect(messages.slice(2).map((m) => m.id)).toEqual([start.userMessageId, start.assistantMessageId]);
    const replaced = await t.db.message.findMany({
      where: { id: { in: [old.userMessageId, old.assistantMessageId] } },
      orderBy: { createdAt: "asc" },
    });
    expect(replaced.map((m) => [m.content, m.replacedById])).toEqual([
      ["Second qestion", start.userMessageId],
      ["An answer.", start.assistantMessageId],
    ]);
    expect(await expectAudited(u.id)).toEqual({ balance: 100_000 - 3 * PER_REPLY, chatRows: 3 });
  });

  it("too few credits: PAYMENT_REQUIRED before the model is called, the old reply stays, nothing written", async () => {
    const estimate = estimatePromptTokens(buildPrompt([], "Hi there"));
    const { chat, conv, model } = await setup(worstCaseCredits(estimate, config) + PER_REPLY - 1);
    await drain(await chat.send({ conversationId: conv.id, content: "Hi there" }));
    const before = await snapshot(t.db);
    expect(await codeOf(chat.regenerate({ conversationId: conv.id }))).toBe("PAYMENT_REQUIRED");
    expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "Hi there" }))).toBe("PAYMENT_REQUIRED");
    expect(model.doStreamCalls).toHaveLength(1);
    expect(await snapshot(t.db)).toEqual(before);
    expect((await chat.messages({ conversationId: conv.id })).map((m) => m.content)).toEqual([
      "Hi there",
      "An answer.",
    ]);
  });

  it("nothing to replace, someone else's conversation, bad input: refused before anything is written", async () => {
    const { chat, conv, model } = await setup();
    const other = await setup();
    await drain(await other.chat.send({ conversationId: other.conv.id, content: "Mine" }));
    const before = await snapshot(t.db);
    expect(await codeOf(chat.regenerate({ conversationId: conv.id }))).toBe("CONFLICT");
    expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "x" }))).toBe("CONFLICT");
    expect(await codeOf(chat.regenerate({ conversationId: other.conv.id }))).toBe("NOT_FOUND");
    expect(await codeOf(chat.editLast({ conversationId: other.conv.id, content: "Yours" }))).toBe("NOT_FOUND");
    expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "   " }))).toBe("BAD_REQUEST");
    expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "x".repeat(8001) }))).toBe("BAD_REQUEST");
    expect(model.doStreamCalls).toHaveLength(0);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("a reply still streaming cannot be replaced; concurrent regenerates replace it once", async () => {
    const slow = scriptedModel({ chunks: ["a", "b"], usage: USAGE, hang: true });
    const u = await fundedUser(t.db, 100_000);
    const slowChat = chatCallerFor(t.db, u.id, asChatModel(slow)).chat;
    const conv = await slowChat.createConversation({});
    const ac = new AbortController();
    const streaming = chatCallerFor(t.db, u.id, asChatModel(slow), ac.signal).chat;
    const events = await streaming.send({ conversationId: conv.id, content: "Long one" });
    expect(await codeOf(slowChat.regenerate({ conversationId: conv.id }))).toBe("CONFLICT");
    ac.abort();
    expect(doneOf(await drain(events)).status).toBe("stopped");

    const model = scriptedModel({ chunks: ["Again."], usage: USAGE });
    const chat = chatCallerFor(t.db, u.id, asChatModel(model)).chat;
    const codes = await Promise.all([0, 1, 2].map(() => codeOf(chat.regenerate({ conversationId: conv.id }))));
    expect(codes.filter((c) => c === "OK")).toHaveLength(1);
    expect(codes.filter((c) => c === "CONFLICT")).toHaveLength(2);
    expect((await chat.messages({ conversationId: conv.id })).map((m) => m.content)).toEqual(["Long one", "Again."]);
    await expectAudited(u.id);
  });

  it(`regenerate and edit share the sends' rate limit (${env.RATE_LIMIT_CHAT_PER_USER.limit} per window), checked before anything is reserved`, async () => {
    const { chat, conv, model } = await setup(1);
    // An exchange to replace, stored as a finished one would be.
    await t.db.message.createMany({
      data: [
        {
          conversationId: conv.id,
          role: "user",
          content: "Q",
          status: "complete",
          createdAt: new Date(Date.now() - 2000),
        },
        {
          conversationId: conv.id,
          role: "assistant",
          content: "A",
          status: "complete",
          createdAt: new Date(Date.now() - 1000),
        },
      ],
    });
    await startEarlyInChatLimitWindow();
    const before = await snapshot(t.db);
    const codes: string[] = [];
    for (let i = 0; i < env.RATE_LIMIT_CHAT_PER_USER.limit + 1; i++) {
      codes.push(
        await codeOf(
          i % 2
            ? chat.editLast({ conversationId: conv.id, content: "Q2" })
            : chat.regenerate({ conversationId: conv.id }),
        ),
      );
    }
    expect(codes.slice(0, -1).every((c) => c === "PAYMENT_REQUIRED")).toBe(true);
    expect(codes.at(-1)).toBe("TOO_MANY_REQUESTS");
    expect(model.doStreamCalls).toHaveLength(0);
    expect(await snapshot(t.db)).toEqual(before);
  });
});
