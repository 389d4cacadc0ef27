import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance, grant, reserve } from "~/server/credits";
import { CHAT_REF_TYPE, chatConfigFromEnv, sendMessage, type ChatDeps } from "~/server/chat";

import { countingDb, type CountingDb } from "../helpers/counting-db";
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

  it("sendMessage starts the reply after 3 round trips: 2 reads at once, then the hold with both messages", async () => {
    const u = await fundedUser(t.db, 100_000);
    const conv = await t.db.conversation.create({ data: { userId: u.id, title: "" } });
    const from = c.statements.length;
    const run = await sendMessage(deps(), { userId: u.id, conversationId: conv.id, content: "hello there" });
    const before = c.statements.slice(from);
    expect(before).toHaveLength(3);
    expect(before[2]).toMatch(/INSERT INTO "CreditHold".*INSERT INTO "Message"/);
    // The stale-hold sweep is not among them (the scheduled job's, or a refused hold's: see below).
    expect(before.some((sql) => /"expiresAt" </.test(sql))).toBe(false);
    expect(doneOf(await drain(run.events)).status).toBe("complete");
    await run.settled;
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: conv.id } })).title).toBe("hello there");
    expect(await t.db.message.count({ where: { conversationId: conv.id } })).toBe(2);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("paid by a team's pool: still 3 round trips, the pool's hold (membership and limits checked) with both messages", async () => {
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
    expect(before).toHaveLength(3);
    expect(before[2]).toMatch(/"Team".*INSERT INTO "CreditHold".*INSERT INTO "Message"/);
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
});
