import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { DEFAULT_TITLE, getChatModel, type ChatStreamEvent } from "~/server/chat";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { chatCallerFor, doneOf, drain, fundedUser, textOf } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

describeEachDb("chat conversations and ownership", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("chat.model reports the offline Demo model by default", async () => {
    expect(await callerFor(t.db, null).chat.model()).toEqual({ id: "demo", label: "Demo model", demo: true });
  });

  it("signed-out callers get UNAUTHORIZED", async () => {
    const anon = callerFor(t.db, null);
    expect(await outcome(anon, "chat.listConversations")).toBe("UNAUTHORIZED");
    expect(await outcome(anon, "chat.createConversation", {})).toBe("UNAUTHORIZED");
    expect(await outcome(anon, "chat.send", { conversationId: "x", content: "hi" })).toBe("UNAUTHORIZED");
  });

  it("create, list newest first, rename, read chronologically, delete", async () => {
    const u = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, u.id).chat;
    const a = await chat.createConversation({});
    expect(a.title).toBe(DEFAULT_TITLE);
    const b = await chat.createConversation({ title: "  Trip planning  " });
    expect(b.title).toBe("Trip planning");
    expect((await chat.listConversations()).map((c) => c.id)).toEqual([b.id, a.id]);

    // Sending in `a` titles it from the first message and moves it to the top.
    const events = await drain(
      await chat.send({ conversationId: a.id, content: "How do tides work?\nAnd why twice a day?" }),
    );
    expect(doneOf(events).status).toBe("complete");
    const listed = await chat.listConversations();
    expect(listed.map((c) => c.id)).toEqual([a.id, b.id]);
    expect(listed[0]!.title).toBe("How do tides work? And why twice a day?");

    // A second message keeps the title.
    await drain(await chat.send({ conversationId: a.id, content: "Thanks!" }));
    expect((await chat.listConversations())[0]!.title).toBe("How do tides work? And why twice a day?");

    const messages = await chat.messages({ conversationId: a.id });
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(messages[0]!.content).toBe("How do tides work?\nAnd why twice a day?");
    expect(messages[1]!.content).toBe(textOf(events));
    expect(messages[1]!.creditsCharged).toBe(doneOf(events).creditsCharged);
    expect(messages[0]!.creditsCharged).toBeNull();

    expect(await chat.renameConversation({ id: a.id, title: "Tides" })).toMatchObject({ id: a.id, title: "Tides" });
    expect(await chat.deleteConversation({ id: a.id })).toEqual({ id: a.id });
    expect((await chat.listConversations()).map((c) => c.id)).toEqual([b.id]);
    expect(await t.db.message.count({ where: { conversationId: a.id } })).toBe(0);
    // The ledger keeps the charges of deleted conversations.
    expect(await t.db.creditLedger.count({ where: { userId: u.id, reason: "chat_usage" } })).toBe(2);
  });

  it("long first messages give a truncated title", async () => {
    const u = await fundedUser(t.db, 100_000);
    const chat = callerFor(t.db, u.id).chat;
    const c = await chat.createConversation({});
    await drain(await chat.send({ conversationId: c.id, content: "word ".repeat(100) }));
    const [listed] = await chat.listConversations();
    expect(listed!.title.length).toBeLessThanOrEqual(120);
    expect(listed!.title.endsWith("…")).toBe(true);
  });

  it("another user can't list, read, rename, delete or send to a conversation; nothing is written", async () => {
    const alice = await fundedUser(t.db, 100_000);
    const bob = await fundedUser(t.db, 100_000);
    const a = callerFor(t.db, alice.id);
    const b = callerFor(t.db, bob.id);
    const conv = await a.chat.createConversation({ title: "Alice's secrets" });
    await drain(await a.chat.send({ conversationId: conv.id, content: "private" }));

    const before = await snapshot(t.db);
    expect(await b.chat.listConversations()).toEqual([]);
    expect(await outcome(b, "chat.messages", { conversationId: conv.id })).toBe("NOT_FOUND");
    expect(await outcome(b, "chat.renameConversation", { id: conv.id, title: "mine now" })).toBe("NOT_FOUND");
    expect(await outcome(b, "chat.deleteConversation", { id: conv.id })).toBe("NOT_FOUND");
    expect(await outcome(b, "chat.send", { conversationId: conv.id, content: "hi" })).toBe("NOT_FOUND");
    expect(await outcome(b, "chat.messages", { conversationId: "does-not-exist" })).toBe("NOT_FOUND");
    expect(await snapshot(t.db)).toEqual(before);
    expect((await a.chat.listConversations()).map((c) => c.title)).toEqual(["Alice's secrets"]);
  });

  it("refusals reject the send call itself (before any stream)", async () => {
    const poor = await fundedUser(t.db, 1);
    const chat = chatCallerFor(t.db, poor.id, getChatModel({ modelId: "demo", demoDelayMs: 0 })).chat;
    const conv = await chat.createConversation({});
    const error = await chat.send({ conversationId: conv.id, content: "hello" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("PAYMENT_REQUIRED");
  });

  it("input limits: too long, empty or control characters → BAD_REQUEST", async () => {
    const u = await fundedUser(t.db, 100_000);
    const caller = callerFor(t.db, u.id);
    const conv = await caller.chat.createConversation({});
    const before = await snapshot(t.db);
    expect(await outcome(caller, "chat.send", { conversationId: conv.id, content: "x".repeat(8001) })).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(caller, "chat.send", { conversationId: conv.id, content: "   " })).toBe("BAD_REQUEST");
    expect(await outcome(caller, "chat.send", { conversationId: conv.id, content: "a\u0007b" })).toBe("BAD_REQUEST");
    expect(await outcome(caller, "chat.renameConversation", { id: conv.id, title: "t".repeat(121) })).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(caller, "chat.messages", { conversationId: "../etc" })).toBe("BAD_REQUEST");
    expect(await snapshot(t.db)).toEqual(before);
    const ok = (await caller.chat.send({
      conversationId: conv.id,
      content: "x".repeat(8000),
    })) as AsyncIterable<ChatStreamEvent>;
    expect(doneOf(await drain(ok)).status).toBe("complete");
  });
});
