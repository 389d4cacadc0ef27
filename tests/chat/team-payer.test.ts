/**
 * Which balance pays a reply: `payerTeamId` on send/regenerate/editLast/quote. A team's pool pays
 * only for a member and within their limits (checked by the pool's reserve, under its lock); the
 * choice is remembered on the conversation; a remembered team the user has left is never spent.
 */
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from "@trpc/client";
import type { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";

import type { MemberLimits, TeamRoleName } from "~/lib/teams";
import { handleTrpcRequest } from "~/server/api/http-handler";
import { appRouter, type AppRouter } from "~/server/api/root";
import { getBalance, grant, MemberLimitExceededError, reserve } from "~/server/credits";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  sendMessage,
  settleStaleReplies,
  worstCaseCredits,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import type { Db } from "~/server/db";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { loggedDb } from "../helpers/statement-log";
import { asChatModel, chatCallerFor, codeOf, doneOf, drain, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const USAGE = { inputTokens: 40, outputTokens: 8 };
const PER_REPLY = creditsFor(USAGE, config);
const QUESTION = "What does the team pool pay for?";
const WORST = worstCaseCredits(estimatePromptTokens(buildPrompt([], QUESTION)), config);

/** A team whose pool holds `pool` credits, with `members` in it (the first is the owner). */
async function teamWith(
  db: Db,
  pool: number,
  members: { id: string; role?: TeamRoleName; limits?: Partial<MemberLimits> }[],
  name = "Acme",
) {
  const team = await db.team.create({ data: { name } });
  for (const [i, m] of members.entries())
    await db.teamMember.create({
      data: {
        teamId: team.id,
        userId: m.id,
        role: m.role ?? (i === 0 ? "owner" : "member"),
        dailyLimit: m.limits?.day ?? null,
        weeklyLimit: m.limits?.week ?? null,
        monthlyLimit: m.limits?.month ?? null,
      },
    });
  if (pool > 0)
    await grant(db, {
      userId: members[0]!.id,
      teamId: team.id,
      amount: pool,
      reason: "purchase",
      refType: "operator",
      refId: `seed-team-${team.id}`,
    });
  return team;
}

/** Everything a refused exchange must leave untouched: the usual tables plus pools, memberships and conversations. */
async function fullSnapshot(db: Db) {
  return {
    ...(await snapshot(db)),
    teams: await db.team.findMany({ select: { id: true, balance: true, heldCredits: true }, orderBy: { id: "asc" } }),
    conversationRows: await db.conversation.findMany({
      select: { id: true, payerTeamId: true, modelId: true, title: true },
      orderBy: { id: "asc" },
    }),
  };
}

describeEachDb("chat: which balance pays", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 10 });
  });
  afterAll(() => t.close());

  function chatFor(userId: string, gate?: Promise<void>) {
    const model = scriptedModel({ chunks: ["Pooled", " answer."], usage: USAGE, gate });
    return chatCallerFor(t.db, userId, asChatModel(model)).chat;
  }

  function httpClientFor(userId: string) {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: "http://tally.test/api/trpc",
          transformer: superjson,
          fetch: (url, init) =>
            handleTrpcRequest(new Request(url, init as RequestInit), {
              router: appRouter,
              createContext: () => Promise.resolve({ db: t.db, userId, headers: new Headers() }),
              appUrl: "http://tally.test",
            }),
        }),
      ],
    });
  }

  describe("a send paid by a team", () => {
    it("reserves the pool, settles it with a ledger row naming the member, marks the reply and remembers the payer", async () => {
      const owner = await fundedUser(t.db, 0);
      const member = await fundedUser(t.db, 50_000);
      const team = await teamWith(t.db, 100_000, [owner, member]);
      let open!: () => void;
      const chat = chatFor(member.id, new Promise<void>((resolve) => (open = resolve)));
      const conv = await chat.createConversation({});

      const events = await chat.send({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id });
      // While the reply is written, the pool holds its worst case; the member's own balance is untouched.
      expect(await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({
        balance: 100_000,
        heldCredits: WORST,
      });
      const hold = await t.db.creditHold.findFirstOrThrow({ where: { teamId: team.id, status: "active" } });
      expect(hold).toMatchObject({ userId: member.id, amount: WORST });
      expect(await getBalance(t.db, member.id)).toEqual({ balance: 50_000, held: 0, spendable: 50_000 });
      open();
      expect(doneOf(await drain(events))).toMatchObject({ status: "complete", creditsCharged: PER_REPLY });

      expect(await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({
        balance: 100_000 - PER_REPLY,
        heldCredits: 0,
      });
      const [reply] = await t.db.message.findMany({ where: { conversationId: conv.id, role: "assistant" } });
      expect(reply).toMatchObject({ paidByTeamId: team.id, creditsCharged: PER_REPLY });
      const row = await t.db.creditLedger.findFirstOrThrow({ where: { refId: reply!.id } });
      expect(row).toMatchObject({ teamId: team.id, userId: member.id, amount: -PER_REPLY, reason: "chat_usage" });
      expect(await getBalance(t.db, member.id)).toEqual({ balance: 50_000, held: 0, spendable: 50_000 });

      // The views: the reply says who paid, the conversation remembers the choice.
      const messages = await chat.messages({ conversationId: conv.id });
      expect(messages.map((m) => m.paidBy)).toEqual([null, { teamId: team.id, name: "Acme" }]);
      expect((await chat.listConversations()).find((c) => c.id === conv.id)?.payerTeamId).toBe(team.id);
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });

    it("the remembered payer pays the next send, regenerate and edit; null switches back to personal and is remembered too", async () => {
      const owner = await fundedUser(t.db, 0);
      const member = await fundedUser(t.db, 50_000);
      const team = await teamWith(t.db, 100_000, [owner, member]);
      const chat = chatFor(member.id);
      const conv = await chat.createConversation({});
      await drain(await chat.send({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id }));

      // No payer given: the conversation's last choice.
      await drain(await chat.send({ conversationId: conv.id, content: "And again?" }));
      await drain(await chat.regenerate({ conversationId: conv.id }));
      await drain(await chat.editLast({ conversationId: conv.id, content: "And once more?" }));
      const pooled = await t.db.message.findMany({ where: { conversationId: conv.id, role: "assistant" } });
      expect(pooled.map((m) => m.paidByTeamId)).toEqual([team.id, team.id, team.id, team.id]);
      expect((await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).balance).toBe(100_000 - 4 * PER_REPLY);
      expect((await getBalance(t.db, member.id)).balance).toBe(50_000);

      // null: the member's own balance, and the conversation now remembers that.
      await drain(await chat.send({ conversationId: conv.id, content: "On me this time.", payerTeamId: null }));
      await drain(await chat.regenerate({ conversationId: conv.id }));
      expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).payerTeamId).toBeNull();
      expect((await getBalance(t.db, member.id)).balance).toBe(50_000 - 2 * PER_REPLY);
      const shown = await chat.messages({ conversationId: conv.id });
      // Shown: the first reply, the edit's (in place of the second exchange) and the regenerated personal one.
      expect(shown.filter((m) => m.role === "assistant").map((m) => m.paidBy?.teamId ?? null)).toEqual([
        team.id,
        team.id,
        null,
      ]);

      // A regenerate can name the payer itself, and that is remembered in the same transaction.
      await drain(await chat.regenerate({ conversationId: conv.id, payerTeamId: team.id }));
      expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).payerTeamId).toBe(team.id);
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });
  });

  describe("refusals write nothing", () => {
    it("a team the caller is not in: NOT_FOUND (like one that does not exist) on send, regenerate, edit and quote", async () => {
      const owner = await fundedUser(t.db, 0);
      const outsider = await fundedUser(t.db, 50_000);
      const team = await teamWith(t.db, 100_000, [owner]);
      const chat = chatFor(outsider.id);
      const conv = await chat.createConversation({});
      await drain(await chat.send({ conversationId: conv.id, content: QUESTION }));

      const before = await fullSnapshot(t.db);
      const missing = "c".repeat(25);
      for (const payerTeamId of [team.id, missing]) {
        expect(await codeOf(chat.send({ conversationId: conv.id, content: QUESTION, payerTeamId }))).toBe("NOT_FOUND");
        expect(await codeOf(chat.regenerate({ conversationId: conv.id, payerTeamId }))).toBe("NOT_FOUND");
        expect(await codeOf(chat.editLast({ conversationId: conv.id, content: "x", payerTeamId }))).toBe("NOT_FOUND");
        expect(await codeOf(chat.quote({ conversationId: conv.id, content: "x", payerTeamId }))).toBe("NOT_FOUND");
      }
      expect(await fullSnapshot(t.db)).toEqual(before);
    });

    it("over a member limit: PAYMENT_REQUIRED whose data names the team and the limit; nothing written", async () => {
      const owner = await fundedUser(t.db, 0);
      const member = await fundedUser(t.db, 50_000);
      const limit = WORST - 1;
      const team = await teamWith(t.db, 100_000, [owner, { id: member.id, limits: { day: limit } }]);
      const client = httpClientFor(member.id);
      const conv = await client.chat.createConversation.mutate({});

      const before = await fullSnapshot(t.db);
      const error = await client.chat.send
        .mutate({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<AppRouter>).data;
      expect(data?.code).toBe("PAYMENT_REQUIRED");
      expect(data?.credits).toMatchObject({
        needed: WORST,
        spendable: limit,
        teamId: team.id,
        memberLimit: { period: "day", limit, used: 0 },
      });
      expect(await fullSnapshot(t.db)).toEqual(before);

      // The direct caller sees the domain error itself.
      const direct = await chatFor(member.id)
        .send({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id })
        .catch((e: unknown) => e);
      expect((direct as TRPCError).cause).toBeInstanceOf(MemberLimitExceededError);
      expect(await fullSnapshot(t.db)).toEqual(before);
    });

    it("a pool too low: PAYMENT_REQUIRED with the pool's numbers and its teamId, no memberLimit", async () => {
      const owner = await fundedUser(t.db, 0);
      const member = await fundedUser(t.db, 50_000);
      const team = await teamWith(t.db, WORST - 1, [owner, member]);
      const client = httpClientFor(member.id);
      const conv = await client.chat.createConversation.mutate({});
      const before = await fullSnapshot(t.db);
      const error = await client.chat.send
        .mutate({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id })
        .catch((e: unknown) => e);
      const credits = (error as TRPCClientError<AppRouter>).data?.credits;
      expect(credits).toEqual({ needed: WORST, spendable: WORST - 1, held: 0, balance: WORST - 1, teamId: team.id });
      expect(await fullSnapshot(t.db)).toEqual(before);
    });
  });

  it("a remembered team the user has left: their own balance pays and the choice is cleared; naming it is NOT_FOUND", async () => {
    const owner = await fundedUser(t.db, 0);
    const member = await fundedUser(t.db, 50_000);
    const team = await teamWith(t.db, 100_000, [owner, member]);
    const chat = chatFor(member.id);
    const conv = await chat.createConversation({});
    await drain(await chat.send({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id }));
    await t.db.teamMember.delete({ where: { teamId_userId: { teamId: team.id, userId: member.id } } });

    // The views no longer offer it as the conversation's payer.
    expect((await chat.listConversations()).find((c) => c.id === conv.id)?.payerTeamId).toBeNull();
    expect(await chat.quote({ conversationId: conv.id, content: "Still there?" })).toMatchObject({
      payerTeamId: null,
      spendable: 50_000,
    });
    expect(await codeOf(chat.send({ conversationId: conv.id, content: "x", payerTeamId: team.id }))).toBe("NOT_FOUND");

    const poolBefore = await t.db.team.findUniqueOrThrow({ where: { id: team.id } });
    const done = doneOf(await drain(await chat.send({ conversationId: conv.id, content: "Still there?" })));
    expect((await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).balance).toBe(poolBefore.balance);
    expect((await getBalance(t.db, member.id)).balance).toBe(50_000 - done.creditsCharged);
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).payerTeamId).toBeNull();
    const replies = await t.db.message.findMany({
      where: { conversationId: conv.id, role: "assistant" },
      orderBy: { createdAt: "asc" },
    });
    expect(replies.map((m) => m.paidByTeamId)).toEqual([team.id, null]);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("the user leaves the remembered team between the read and the reserve: their own balance pays, nothing from the pool", async () => {
    const owner = await fundedUser(t.db, 0);
    const member = await fundedUser(t.db, 50_000);
    const team = await teamWith(t.db, 100_000, [owner, member]);
    const conv = await t.db.conversation.create({ data: { userId: member.id, title: "x", payerTeamId: team.id } });
    // The membership goes right after the conversation (with its payer) was read as still valid.
    let left = false;
    const logged = await loggedDb(t, async (sql) => {
      if (left || !sql.includes("payerIsMember")) return;
      left = true;
      await t.db.teamMember.delete({ where: { teamId_userId: { teamId: team.id, userId: member.id } } });
    });
    onTestFinished(() => logged.close());
    const racing = logged.db;
    const model = asChatModel(scriptedModel({ chunks: ["Mine."], usage: USAGE }));
    const run = await sendMessage(
      { db: racing, model, config, maxTitleChars: 120 },
      { userId: member.id, conversationId: conv.id, content: QUESTION },
    );
    expect(doneOf(await drain(run.events)).creditsCharged).toBe(PER_REPLY);
    expect(left).toBe(true);
    expect(await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({
      balance: 100_000,
      heldCredits: 0,
    });
    expect((await getBalance(t.db, member.id)).balance).toBe(50_000 - PER_REPLY);
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).payerTeamId).toBeNull();
    expect(await t.db.message.count({ where: { conversationId: conv.id, paidByTeamId: { not: null } } })).toBe(0);
  });

  it("a reply on a pool that died is settled by the sweep onto the pool, from what it delivered", async () => {
    const owner = await fundedUser(t.db, 0);
    const member = await fundedUser(t.db, 50_000);
    const team = await teamWith(t.db, 100_000, [owner, member]);
    const conv = await t.db.conversation.create({ data: { userId: member.id, title: "x", payerTeamId: team.id } });
    const crashed = await t.db.message.create({
      data: {
        conversationId: conv.id,
        role: "assistant",
        content: "Half a repl",
        status: "streaming",
        paidByTeamId: team.id,
        ...USAGE,
        createdAt: new Date(0),
      },
    });
    const hold = await reserve(t.db, {
      userId: member.id,
      teamId: team.id,
      amount: 1_000,
      refType: CHAT_REF_TYPE,
      refId: crashed.id,
      ttlSeconds: 1,
    });
    await t.db.creditHold.update({ where: { id: hold.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).heldCredits).toBe(1_000);

    expect(await settleStaleReplies(t.db, config, { userId: member.id })).toBe(1);
    expect(await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({
      balance: 100_000 - PER_REPLY,
      heldCredits: 0,
    });
    expect(await t.db.creditLedger.findFirstOrThrow({ where: { refId: crashed.id } })).toMatchObject({
      teamId: team.id,
      userId: member.id,
      amount: -PER_REPLY,
    });
    expect(await t.db.message.findUniqueOrThrow({ where: { id: crashed.id } })).toMatchObject({
      status: "stopped",
      creditsCharged: PER_REPLY,
    });
    expect(await getBalance(t.db, member.id)).toEqual({ balance: 50_000, held: 0, spendable: 50_000 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  describe("chat.quote for a team", () => {
    it("spendable is the pool's, or the limit's remaining when that is less; it names the payer and the binding limit", async () => {
      const owner = await fundedUser(t.db, 0);
      const member = await fundedUser(t.db, 7);
      const team = await teamWith(t.db, 100_000, [
        owner,
        { id: member.id, limits: { week: 90_000, month: 2 * WORST } },
      ]);
      const chat = chatFor(member.id);

      // The month's limit leaves the least: it binds.
      expect(await chat.quote({ content: QUESTION, payerTeamId: team.id })).toMatchObject({
        maxCredits: WORST,
        payerTeamId: team.id,
        spendable: 2 * WORST,
        limit: { period: "month", limit: 2 * WORST, used: 0, remaining: 2 * WORST },
        covers: true,
      });
      // Personal: the member's own 7 credits, no limit.
      expect(await chat.quote({ content: QUESTION, payerTeamId: null })).toMatchObject({
        payerTeamId: null,
        spendable: 7,
        limit: null,
        covers: false,
      });

      // Spend from the pool: the month's remaining shrinks by what was charged, and the quote's worst case no longer fits.
      const conv = await chat.createConversation({});
      await drain(await chat.send({ conversationId: conv.id, content: QUESTION, payerTeamId: team.id }));
      await t.db.teamMember.update({
        where: { teamId_userId: { teamId: team.id, userId: member.id } },
        data: { monthlyLimit: PER_REPLY + WORST - 1 },
      });
      const quote = await chat.quote({ conversationId: conv.id, content: QUESTION });
      expect(quote).toMatchObject({ payerTeamId: team.id, limit: { period: "month", used: PER_REPLY } });
      expect(quote.spendable).toBe(WORST - 1);
      expect(quote.maxCredits).toBeGreaterThan(WORST);
      expect(quote.covers).toBe(false);

      // A pool lower than every limit: the pool binds, no limit named.
      await t.db.teamMember.update({
        where: { teamId_userId: { teamId: team.id, userId: member.id } },
        data: { monthlyLimit: null, weeklyLimit: null },
      });
      const pool = await t.db.team.findUniqueOrThrow({ where: { id: team.id } });
      expect(await chat.quote({ content: QUESTION, payerTeamId: team.id })).toMatchObject({
        spendable: pool.balance - pool.heldCredits,
        limit: null,
      });
    });
  });
});
