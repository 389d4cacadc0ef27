import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { asChatModel, chatCallerFor, codeOf, drain, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

describeEachDb("chat conversation search and rename", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  async function user() {
    const u = await fundedUser(t.db, 100_000);
    return chatCallerFor(
      t.db,
      u.id,
      asChatModel(scriptedModel({ chunks: ["Reply text."], usage: { inputTokens: 5, outputTokens: 2 } })),
    ).chat;
  }

  it("search matches titles and message text, case-insensitively, only the caller's, newest first", async () => {
    const chat = await user();
    const other = await user();
    const trip = await chat.createConversation({ title: "Trip to Kyoto" });
    const bread = await chat.createConversation({ title: "Baking" });
    await drain(await chat.send({ conversationId: bread.id, content: "How long should SOURDOUGH rise?" }));
    const mixed = await chat.createConversation({ title: "Kyoto bakeries" });
    await other.createConversation({ title: "Kyoto, someone else's" });

    expect((await chat.listConversations({ search: "kyoto" })).map((c) => c.id)).toEqual([mixed.id, trip.id]);
    expect((await chat.listConversations({ search: "sourdough" })).map((c) => c.id)).toEqual([bread.id]);
    expect((await chat.listConversations({ search: "bak" })).map((c) => c.id)).toEqual([mixed.id, bread.id]);
    // Wildcards are matched literally.
    expect(await chat.listConversations({ search: "%" })).toEqual([]);
    expect(await chat.listConversations({ search: "nothing like this" })).toEqual([]);
    expect((await chat.listConversations()).map((c) => c.id)).toEqual([mixed.id, bread.id, trip.id]);
    expect(await codeOf(chat.listConversations({ search: "  " }))).toBe("BAD_REQUEST");
    expect(await codeOf(chat.listConversations({ search: "x".repeat(101) }))).toBe("BAD_REQUEST");
  });

  it("a replaced message is no longer found", async () => {
    const chat = await user();
    const conv = await chat.createConversation({ title: "Untitled talk" });
    await drain(await chat.send({ conversationId: conv.id, content: "a typo-ed qestion" }));
    await drain(await chat.editLast({ conversationId: conv.id, content: "a corrected question" }));
    expect(await chat.listConversations({ search: "qestion" })).toEqual([]);
    expect((await chat.listConversations({ search: "corrected" })).map((c) => c.id)).toEqual([conv.id]);
  });

  it("rename trims and bounds the title and is the owner's only", async () => {
    const chat = await user();
    const other = await user();
    const conv = await chat.createConversation({ title: "Old" });
    expect((await chat.renameConversation({ id: conv.id, title: "  New name  " })).title).toBe("New name");
    const before = await snapshot(t.db);
    expect(await codeOf(chat.renameConversation({ id: conv.id, title: "   " }))).toBe("BAD_REQUEST");
    expect(await codeOf(chat.renameConversation({ id: conv.id, title: "x".repeat(121) }))).toBe("BAD_REQUEST");
    expect(await codeOf(other.renameConversation({ id: conv.id, title: "Stolen" }))).toBe("NOT_FOUND");
    expect(await snapshot(t.db)).toEqual(before);
    expect((await chat.renameConversation({ id: conv.id, title: "x".repeat(120) })).title).toHaveLength(120);
  });
});
