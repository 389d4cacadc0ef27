import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance, grant, reserve } from "~/server/credits";
import { CHAT_REF_TYPE, chatConfigFromEnv, sendMessage, settleStaleReplies, type ChatDeps } from "~/server/chat";

import { countingDb, type CountingDb } from "../helpers/counting-db";
import { injectWriteFault } from "../helpers/faults";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { asChatModel, drain, doneOf, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

// Everything a reply waits for before its first token: the fewer round trips, the sooner it streams.
describeEachDb("chat send round trips", (kind) => {
  let t: TestDb;
  let c: CountingDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    c = countingDb(t);
  });
  afterAll(async () => {
    await c.close();
    await t.close();
  });

  const deps = (): ChatDeps => ({
    db: c.db,
    model: asChatModel(scriptedModel({ chunks: ["Hi", " there"], usage: { inputTokens: 20, outputTokens: 2 } })),
    config: { ...chatConfigFromEnv(), progressIntervalMs: 60_000 },
    maxTitleChars: 120,
  });

  it("sendMessage starts the reply after 2 round trips: the conversation with its history's first page, then the hold with both messages", async () => {
    const u = await fundedUser(t.db, 100_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "" } });
    const from = c.statements.length;
    const run = await sendMessage(deps(), { userId: u.id, conversationId: conv.id, content: "hello there" });
    const before = c.statements.slice(from);
    expect(before).toHaveLength(2);
    expect(before[0]).toMatch(/"payerIsMember".*json_agg.*FROM "Message"/);
    expect(before[1]).toMatch(/INSERT INTO "CreditHold".*INSERT INTO "Message"/);
    // The stale-hold sweep is not among them (the scheduled job's, or a refused hold's: see below).
    expect(before.some((sql) => /"expiresAt" </.test(sql))).toBe(false);
    expect(doneOf(await drain(run.events)).status).toBe("complete");
    await run.settled;
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).title).toBe("hello there");
    expect(await t.db.message.count({ where: { conversationId: conv.id } })).toBe(2);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("paid by a team's pool: still 2 round trips, the pool's hold (membership and limits checked) with both messages", async () => {
    const member = await fundedUser(t.db, 0);
    const team = await t.db.team.create({
      data: { name: "Pool", members: { create: { userId: member.id, role: "owner", dailyLimit: 1_000_000 } } },
    });
    await grant(t.db, {
      userId: member.id,
      teamId: team.id,
      amount: 100_000,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${team.id}`,
    });
    const conv = await t.db.conversation.create({ data: { userId: member.id, title: "" } });
    const from = c.statements.length;
    const run = await sendMessage(deps(), {
      userId: member.id,
      conversationId: conv.id,
      content: "hello pool",
      payerTeamId: team.id,
    });
    const before = c.statements.slice(from);
    expect(before).toHaveLength(2);
    expect(before[1]).toMatch(/"Team".*INSERT INTO "CreditHold".*INSERT INTO "Message"/);
    expect(doneOf(await drain(run.events)).status).toBe("complete");
    await run.settled;
    expect(await t.db.message.count({ where: { conversationId: conv.id, paidByTeamId: team.id } })).toBe(1);
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).payerTeamId).toBe(team.id);
  });

  it("a stale hold that is not in the way is left to the scheduled sweep; one that is, is swept first", async () => {
    const config = chatConfigFromEnv();
    const u = await fundedUser(t.db, 100_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "x" } });
    const crashed = await t.db.message.create({
      data: { conversationId: conv.id, role: "assistant", content: "", status: "streaming", createdAt: new Date(0) },
    });
    const stale = await reserve(t.db, {
      userId: u.id,
      amount: 1_000,
      refType: CHAT_REF_TYPE,
      refId: crashed.id,
      ttlSeconds: 1,
    });
    await t.db.creditHold.update({ where: { id: stale.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const first = await sendMessage(deps(), { userId: u.id, conversationId: conv.id, content: "one" });
    await first.settled;
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("active");

    // Now the stale hold stands between the user and the next reply's worst case.
    const { balance } = await getBalance(t.db, u.id);
    await t.db.creditHold.update({ where: { id: stale.id }, data: { amount: balance } });
    await t.db.user.update({ where: { id: u.id }, data: { heldCredits: balance } });
    expect((await getBalance(t.db, u.id)).spendable).toBe(0);
    const second = await sendMessage(
      { ...deps(), config: { ...config, progressIntervalMs: 60_000 } },
      {
        userId: u.id,
        conversationId: conv.id,
        content: "two",
      },
    );
    expect((await second.settled).status).toBe("complete");
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("released");
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a reply settles in ONE statement: its charge, the hold closed and the final message", async () => {
    const u = await fundedUser(t.db, 100_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "" } });
    const run = await sendMessage(deps(), { userId: u.id, conversationId: conv.id, content: "hello once" });
    const from = c.statements.length;
    const done = doneOf(await drain(run.events));
    const outcome = await run.settled;
    const after = c.statements.slice(from);
    expect(after).not.toContain("BEGIN");
    const settles = after.filter((sql) => /"CreditHold"/.test(sql));
    expect(settles).toHaveLength(1);
    expect(settles[0]).toMatch(/INSERT INTO "CreditLedger".*UPDATE "CreditHold".*UPDATE "Message"/);

    const reply = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    const entry = await t.db.creditLedger.findUniqueOrThrow({
      where: { refType_refId: { refType: CHAT_REF_TYPE, refId: reply.id } },
    });
    const hold = await t.db.creditHold.findUniqueOrThrow({
      where: { refType_refId: { refType: CHAT_REF_TYPE, refId: reply.id } },
    });
    expect(outcome.creditsCharged).toBeGreaterThan(0);
    expect(done.creditsCharged).toBe(outcome.creditsCharged);
    expect(reply).toMatchObject({
      status: "complete",
      content: "Hi there",
      inputTokens: 20,
      outputTokens: 2,
      creditsCharged: outcome.creditsCharged,
    });
    expect(entry.amount).toBe(-outcome.creditsCharged);
    expect(hold).toMatchObject({ status: "settled", settledAmount: outcome.creditsCharged });
    expect(await getBalance(t.db, u.id)).toMatchObject({ balance: 100_000 - outcome.creditsCharged, held: 0 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("the final message and the charge are both or neither: a refused message write charges nothing, and the sweep settles it later", async () => {
    const u = await fundedUser(t.db, 100_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "" } });
    // The database refuses this conversation's reply leaving "streaming" (the settle's own write).
    const repair = await injectWriteFault(t, "Message", "error", {
      when: `TG_OP = 'UPDATE' AND NEW."conversationId" = '${conv.id}' AND OLD.status = 'streaming' AND NEW.status <> 'streaming'`,
    });
    const config = { ...chatConfigFromEnv(), progressIntervalMs: 60_000, settleRetrySeconds: 0.3 };
    try {
      const run = await sendMessage({ ...deps(), config }, { userId: u.id, conversationId: conv.id, content: "hi" });
      await drain(run.events);
      expect((await run.settled).status).toBe("error");
    } finally {
      await repair();
    }
    const reply = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    const hold = () =>
      t.db.creditHold.findUniqueOrThrow({ where: { refType_refId: { refType: CHAT_REF_TYPE, refId: reply.id } } });
    expect(reply.status).toBe("streaming");
    expect((await hold()).status).toBe("active");
    expect(await t.db.creditLedger.count({ where: { refType: CHAT_REF_TYPE, refId: reply.id } })).toBe(0);
    expect((await getBalance(t.db, u.id)).balance).toBe(100_000);

    // Once the hold expires, the sweep settles the reply from what it delivered: charged once.
    await t.db.creditHold.update({
      where: { id: (await hold()).id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await settleStaleReplies(t.db, config, { userId: u.id })).toBe(1);
    const settled = await hold();
    expect(settled.status).toBe("settled");
    const after = await t.db.message.findUniqueOrThrow({ where: { id: reply.id } });
    expect(after.status).not.toBe("streaming");
    expect(after.creditsCharged).toBe(settled.settledAmount);
    expect(await t.db.creditLedger.count({ where: { refType: CHAT_REF_TYPE, refId: reply.id } })).toBe(1);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a charge that fires the low-balance alert settles through the transaction, final message included", async () => {
    const u = await fundedUser(t.db, 100_000);
    await t.db.user.update({ where: { id: u.id }, data: { lowBalanceAlerts: true, lowBalanceThreshold: 99_999 } });
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "" } });
    const run = await sendMessage(deps(), { userId: u.id, conversationId: conv.id, content: "hello alert" });
    const from = c.statements.length;
    await drain(run.events);
    const outcome = await run.settled;
    expect(c.statements.slice(from)).toContain("BEGIN");
    const reply = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    expect(reply).toMatchObject({ status: "complete", creditsCharged: outcome.creditsCharged });
    expect(outcome.creditsCharged).toBeGreaterThan(0);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).lowBalanceAlertedAt).not.toBeNull();
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
