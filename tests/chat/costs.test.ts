import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { Prisma } from "~/generated/prisma/client";
import { conversationListQuery, listConversations } from "~/server/chat/conversations";
import { CHAT_REF_TYPE, CHECKOUT_REF_TYPE, grant, history, spend, type LedgerEntry } from "~/server/credits";
import type { ChatStreamEvent } from "~/server/chat";
import type { Db } from "~/server/db";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { asChatModel, chatCallerFor, doneOf, drain, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 120_000 });

type Start = Extract<ChatStreamEvent, { type: "start" }>;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** A user's chat caller whose replies report `usage` (so each costs a known, distinct amount). */
function chatWith(db: Db, userId: string, usage: { inputTokens: number; outputTokens: number }, failAfter?: number) {
  return chatCallerFor(db, userId, asChatModel(scriptedModel({ chunks: ["An", " answer."], usage, failAfter }))).chat;
}

/** Every page of the user's history, walked with a small page size. */
async function allHistory(db: Db, userId: string): Promise<LedgerEntry[]> {
  const rows: LedgerEntry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await history(db, userId, { cursor, limit: 3 });
    rows.push(...page.items);
    if (!page.nextCursor) return rows;
    cursor = page.nextCursor;
  }
}

/**
 * One user's chats: two conversations with sends, a regenerate (its replaced reply keeps its
 * charge), a failed reply, a deleted conversation; and another user with a conversation of their own.
 */
async function chatHistory(db: Db) {
  const a = await fundedUser(db, 1_000_000);
  const b = await fundedUser(db, 1_000_000);
  const cheap = chatWith(db, a.id, { inputTokens: 40, outputTokens: 8 });
  const dear = chatWith(db, a.id, { inputTokens: 900, outputTokens: 700 });
  const failing = chatWith(db, a.id, { inputTokens: 300, outputTokens: 100 }, 1);

  const trip = await cheap.createConversation({ title: "Trip to Kyoto" });
  const bread = await cheap.createConversation({ title: "Sourdough" });
  const gone = await cheap.createConversation({ title: "Deleted later" });
  const empty = await cheap.createConversation({ title: "Nothing asked yet" });
  const replies = new Map<string, string>(); // assistant message id → conversation id
  async function exchange(
    chat: ReturnType<typeof chatWith>,
    conversationId: string,
    call: "send" | "regenerate" = "send",
  ) {
    const events = await drain(
      call === "send"
        ? await chat.send({ conversationId, content: `Question ${replies.size}` })
        : await chat.regenerate({ conversationId }),
    );
    replies.set((events[0] as Start).assistantMessageId, conversationId);
    return { id: (events[0] as Start).assistantMessageId, done: doneOf(events) };
  }

  await exchange(cheap, trip.id);
  await exchange(dear, trip.id);
  const replaced = await exchange(cheap, bread.id);
  const regenerated = await exchange(dear, bread.id, "regenerate");
  const failed = await exchange(failing, bread.id);
  await exchange(dear, gone.id);
  const goneReply = [...replies].find(([, c]) => c === gone.id)![0];
  await cheap.deleteConversation({ id: gone.id });

  const secret = await chatWith(db, b.id, { inputTokens: 40, outputTokens: 8 }).createConversation({
    title: "B's secret plans",
  });
  const bEvents = await drain(
    await chatWith(db, b.id, { inputTokens: 40, outputTokens: 8 }).send({
      conversationId: secret.id,
      content: "Something private",
    }),
  );
  // A row of A's whose ref names B's (uncharged) question: it must not reveal B's conversation.
  await spend(db, { userId: a.id, amount: 1, refType: CHAT_REF_TYPE, refId: (bEvents[0] as Start).userMessageId });

  return { a, b, trip, bread, gone, empty, replies, replaced, regenerated, failed, goneReply, secret };
}

describeEachDb("what each reply and conversation cost, and what each history row paid for", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 10 });
  });
  afterAll(() => t.close());

  describe("credit history links chat rows to their conversation", () => {
    it("names the right conversation for every chat row, a replaced reply's too; deleted → null; never another user's", async () => {
      const h = await chatHistory(t.db);
      expect(h.replaced.done.creditsCharged).toBeGreaterThan(0);
      expect(h.failed.done.status).toBe("error");

      const rows = await allHistory(t.db, h.a.id);
      const ledger = await t.db.creditLedger.findMany({ where: { userId: h.a.id } });
      expect(rows.map((r) => r.id).sort()).toEqual(ledger.map((r) => r.id).sort());

      const chatRows = rows.filter((r) => r.refType === CHAT_REF_TYPE);
      const titles = new Map([
        [h.trip.id, "Trip to Kyoto"],
        [h.bread.id, "Sourdough"],
      ]);
      for (const row of chatRows) {
        const conversationId = h.replies.get(row.refId);
        if (conversationId && conversationId !== h.gone.id)
          expect(row.conversation, row.refId).toEqual({ id: conversationId, title: titles.get(conversationId) });
        else expect(row.conversation, row.refId).toBeNull();
        expect(row.packId).toBeNull();
      }
      // Every charged reply has its row: the replaced one, the regenerated one, the deleted conversation's.
      const byRef = new Map(chatRows.map((r) => [r.refId, r]));
      expect(byRef.get(h.replaced.id)?.conversation).toEqual({ id: h.bread.id, title: "Sourdough" });
      expect(byRef.get(h.regenerated.id)?.conversation).toEqual({ id: h.bread.id, title: "Sourdough" });
      expect(byRef.get(h.goneReply)).toMatchObject({ conversation: null, reason: "chat_usage" });
      expect(chatRows.filter((r) => r.conversation?.id === h.trip.id)).toHaveLength(2);

      // The row pointing at B's message shows nothing of B's; B's title appears nowhere in A's history.
      expect(chatRows.filter((r) => !h.replies.has(r.refId)).map((r) => r.conversation)).toEqual([null]);
      expect(JSON.stringify(rows)).not.toContain(h.secret.id);
      expect(JSON.stringify(rows)).not.toContain("secret plans");
      // B's own row does name B's conversation.
      const bRows = await history(t.db, h.b.id, { limit: 10 });
      expect(bRows.items.find((r) => r.refType === CHAT_REF_TYPE)?.conversation).toEqual({
        id: h.secret.id,
        title: "B's secret plans",
      });

      // Non-chat rows carry no conversation; the seed grant is an operator row.
      expect(rows.filter((r) => r.refType !== CHAT_REF_TYPE).every((r) => r.conversation === null)).toBe(true);
    });

    it("a purchase row names its pack, only the user's own purchase", async () => {
      const a = await fundedUser(t.db, 0);
      const b = await fundedUser(t.db, 0);
      const own = await t.db.purchase.create({
        data: {
          id: `cs_test_${a.id}`,
          userId: a.id,
          packId: "pro",
          credits: 200_000,
          amountTotal: 1500,
          currency: "usd",
        },
      });
      const others = await t.db.purchase.create({
        data: {
          id: `cs_test_${b.id}`,
          userId: b.id,
          packId: "enterprise",
          credits: 1,
          amountTotal: 1,
          currency: "usd",
        },
      });
      await grant(t.db, {
        userId: a.id,
        amount: 200_000,
        reason: "purchase",
        refType: CHECKOUT_REF_TYPE,
        refId: own.id,
      });
      await grant(t.db, { userId: a.id, amount: 1, reason: "purchase", refType: CHECKOUT_REF_TYPE, refId: others.id });
      const { items } = await history(t.db, a.id, { limit: 10 });
      expect(items.map((r) => [r.refId, r.packId, r.conversation])).toEqual([
        [others.id, null, null],
        [own.id, "pro", null],
      ]);
    });

    it("credits.history answers the same rows through the router; bad input is refused and changes nothing", async () => {
      const h = await chatHistory(t.db);
      const credits = callerFor(t.db, h.a.id).credits;
      const page = await credits.history({ limit: 100 });
      expect(page.items).toEqual(await allHistory(t.db, h.a.id));
      expect(page.items.some((r) => r.conversation?.title === "Sourdough")).toBe(true);
      expect(page.items[0]).not.toHaveProperty("userId");

      const before = await snapshot(t.db);
      const caller = callerFor(t.db, h.a.id);
      expect(await outcome(caller, "credits.history", { limit: 0 })).toBe("BAD_REQUEST");
      expect(await outcome(caller, "credits.history", { limit: 101 })).toBe("BAD_REQUEST");
      expect(await outcome(caller, "credits.history", { cursor: "x".repeat(65) })).toBe("BAD_REQUEST");
      expect(await outcome(callerFor(t.db, null), "credits.history", {})).toBe("UNAUTHORIZED");
      // An unreadable cursor starts from the top.
      expect((await credits.history({ cursor: "not-a-cursor", limit: 100 })).items).toEqual(page.items);
      expect(await snapshot(t.db)).toEqual(before);
    });
  });

  describe("conversation totals", () => {
    it("equal the sum of the ledger's chat rows for each conversation's messages, replaced replies included", async () => {
      const h = await chatHistory(t.db);
      const list = await callerFor(t.db, h.a.id).chat.listConversations();
      expect(list.map((c) => c.id).sort()).toEqual([h.trip.id, h.bread.id, h.empty.id].sort());

      for (const conversation of list) {
        const messageIds = (
          await t.db.message.findMany({ where: { conversationId: conversation.id }, select: { id: true } })
        ).map((m) => m.id);
        const charged = await t.db.creditLedger.aggregate({
          where: { userId: h.a.id, refType: CHAT_REF_TYPE, refId: { in: messageIds } },
          _sum: { amount: true },
        });
        expect(conversation.creditsTotal, conversation.title).toBe(0 - (charged._sum.amount ?? 0));
      }
      const total = (id: string) => list.find((c) => c.id === id)!.creditsTotal;
      expect(total(h.empty.id)).toBe(0);
      // The regenerated conversation counts the replaced reply as well as the one shown now.
      const shown = await callerFor(t.db, h.a.id).chat.messages({ conversationId: h.bread.id });
      const shownSum = shown.reduce((sum, m) => sum + (m.creditsCharged ?? 0), 0);
      expect(total(h.bread.id)).toBe(shownSum + h.replaced.done.creditsCharged);
      expect(total(h.bread.id)).toBe(
        h.replaced.done.creditsCharged + h.regenerated.done.creditsCharged + h.failed.done.creditsCharged,
      );

      // A search answers the same totals; B's list holds B's conversation only.
      const found = await callerFor(t.db, h.a.id).chat.listConversations({ search: "sourdough" });
      expect(found).toEqual([list.find((c) => c.id === h.bread.id)]);
      const bList = await callerFor(t.db, h.b.id).chat.listConversations();
      expect(bList.map((c) => c.id)).toEqual([h.secret.id]);
    });

    it("the list with its totals is one query, and an index serves both tables it reads", async () => {
      const u = await fundedUser(t.db, 0);
      const conversations = await t.db.conversation.createManyAndReturn({
        data: Array.from({ length: 3 }, (_, i) => ({ userId: u.id, title: `Topic ${i}` })),
      });
      await t.db.message.createMany({
        data: conversations.flatMap((c) =>
          Array.from({ length: 4 }, (_, i) => ({
            conversationId: c.id,
            role: i % 2 ? ("assistant" as const) : ("user" as const),
            content: `Message ${i}`,
            creditsCharged: i % 2 ? i : null,
          })),
        ),
      });

      let queries = 0;
      const counted = t.db.$extends({
        query: {
          async $allOperations({ args, query }) {
            queries++;
            return query(args);
          },
        },
      });
      const list = await listConversations(counted as unknown as typeof t.db, u.id);
      expect(queries).toBe(1);
      expect(list.map((c) => c.creditsTotal)).toEqual([1 + 3, 1 + 3, 1 + 3]);

      // With sequential scans priced out, a table still read whole would have no index to use.
      const plan = await t.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        const [row] = await tx.$queryRaw<{ "QUERY PLAN": unknown }[]>(
          Prisma.sql`EXPLAIN (FORMAT JSON) ${conversationListQuery(u.id)}`,
        );
        return (row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
      });
      const nodes = planNodes(plan);
      expect(nodes.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"])).toEqual([]);
      expect(new Set(nodes.flatMap((n) => n["Index Name"] ?? []))).toEqual(
        // TeamMember's key: whether the remembered payer is still one of the user's teams.
        new Set(["Conversation_userId_updatedAt_idx", "Message_conversationId_createdAt_idx", "TeamMember_pkey"]),
      );
    });

    it("a new reply raises the total by exactly what its done event charged", async () => {
      const u = await fundedUser(t.db, 100_000);
      const chat = chatWith(t.db, u.id, { inputTokens: 120, outputTokens: 30 });
      const conv = await chat.createConversation({});
      const totalOf = async () => (await chat.listConversations()).find((c) => c.id === conv.id)!.creditsTotal;
      expect(await totalOf()).toBe(0);
      const first = doneOf(await drain(await chat.send({ conversationId: conv.id, content: "Hello" })));
      expect(first.creditsCharged).toBeGreaterThan(0);
      expect(await totalOf()).toBe(first.creditsCharged);
      const second = doneOf(await drain(await chat.send({ conversationId: conv.id, content: "Again" })));
      expect(await totalOf()).toBe(first.creditsCharged + second.creditsCharged);

      // And the reply carries its cost and tokens for the chat to show.
      const [, reply] = await chat.messages({ conversationId: conv.id });
      expect(reply).toMatchObject({
        role: "assistant",
        creditsCharged: first.creditsCharged,
        inputTokens: first.usage.inputTokens,
        outputTokens: first.usage.outputTokens,
      });
    });
  });
});
