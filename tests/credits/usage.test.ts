import { afterAll, beforeAll, expect, it } from "vitest";

import { CHAT_REF_TYPE, grant, spend, usageReport, type UsageReport } from "~/server/credits";
import type { Db } from "~/server/db";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";

const sum = (xs: { spent: number }[]) => xs.reduce((s, x) => s + x.spent, 0);

/** A reply in `conversationId` by `model`, charged `amount` credits on `day` (noon UTC). */
async function chargedReply(
  db: Db,
  userId: string,
  conversationId: string,
  model: string,
  amount: number,
  day: string,
) {
  const message = await db.message.create({
    data: { conversationId, role: "assistant", content: "reply", model, creditsCharged: amount },
  });
  const { entry } = await spend(db, { userId, amount, refType: CHAT_REF_TYPE, refId: message.id });
  await db.creditLedger.update({ where: { id: entry.id }, data: { createdAt: new Date(`${day}T12:00:00Z`) } });
  return message;
}

function expectConsistent(report: UsageReport) {
  expect(sum(report.byDay)).toBe(report.total);
  expect(sum(report.byModel)).toBe(report.total);
  expect(sum(report.byConversation) + report.otherConversations.spent).toBe(report.total);
  expect(report.byModel.reduce((s, m) => s + m.replies, 0)).toBe(report.replies);
}

describeEachDb("usage report", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("totals equal the ledger's chat spend, by day, by model and by conversation", async () => {
    const u = await createUser(t.db);
    await grant(t.db, {
      userId: u.id,
      amount: 100_000,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${u.id}`,
    });
    const a = await t.db.conversation.create({ data: { userId: u.id, title: "Alpha" } });
    const b = await t.db.conversation.create({ data: { userId: u.id, title: "Beta" } });
    const gone = await t.db.conversation.create({ data: { userId: u.id, title: "Gone" } });
    await chargedReply(t.db, u.id, a.id, "demo", 100, "2026-03-01");
    await chargedReply(t.db, u.id, a.id, "demo-fast", 50, "2026-03-01");
    await chargedReply(t.db, u.id, b.id, "demo", 7, "2026-03-03");
    await chargedReply(t.db, u.id, gone.id, "demo", 30, "2026-03-02");
    await chargedReply(t.db, u.id, b.id, "demo", 999, "2026-02-28"); // before the range
    await chargedReply(t.db, u.id, b.id, "demo", 888, "2026-03-04"); // after it
    await t.db.conversation.delete({ where: { id: gone.id } });
    // Not chat spend: a refund-like adjustment inside the range is not usage.
    await grant(t.db, { userId: u.id, amount: 5, reason: "adjustment", refType: "operator", refId: `adj-${u.id}` });

    const report = await usageReport(t.db, u.id, { from: "2026-03-01", to: "2026-03-03" });
    expect(report.total).toBe(187);
    expect(report.replies).toBe(4);
    expect(report.byDay).toEqual([
      { day: "2026-03-01", spent: 150 },
      { day: "2026-03-02", spent: 30 },
      { day: "2026-03-03", spent: 7 },
    ]);
    expect(report.byModel).toEqual([
      { model: "demo", spent: 107, replies: 2 },
      { model: "demo-fast", spent: 50, replies: 1 },
      { model: null, spent: 30, replies: 1 },
    ]);
    expect(report.byConversation).toEqual([
      { id: a.id, title: "Alpha", spent: 150, replies: 2 },
      { id: null, title: null, spent: 30, replies: 1 },
      { id: b.id, title: "Beta", spent: 7, replies: 1 },
    ]);
    expectConsistent(report);

    // The same sums straight from the ledger.
    const ledger = await t.db.creditLedger.aggregate({
      where: {
        userId: u.id,
        reason: "chat_usage",
        createdAt: { gte: new Date("2026-03-01T00:00:00Z"), lt: new Date("2026-03-04T00:00:00Z") },
      },
      _sum: { amount: true },
    });
    expect(report.total).toBe(-(ledger._sum.amount ?? 0));
  });

  it("names the top conversations and sums the rest, still adding up to the total", async () => {
    const u = await createUser(t.db);
    await grant(t.db, {
      userId: u.id,
      amount: 100_000,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${u.id}`,
    });
    for (let i = 1; i <= 5; i++) {
      const c = await t.db.conversation.create({ data: { userId: u.id, title: `C${i}` } });
      await chargedReply(t.db, u.id, c.id, "demo", i * 10, "2026-05-10");
    }
    const report = await usageReport(t.db, u.id, { from: "2026-05-10", to: "2026-05-10" }, { topConversations: 2 });
    expect(report.byConversation.map((c) => [c.title, c.spent])).toEqual([
      ["C5", 50],
      ["C4", 40],
    ]);
    expect(report.otherConversations).toEqual({ count: 3, spent: 60, replies: 3 });
    expectConsistent(report);
  });

  it("an empty range reports zeros for every day", async () => {
    const u = await createUser(t.db);
    const report = await usageReport(t.db, u.id, { from: "2026-01-30", to: "2026-02-02" });
    expect(report).toEqual({
      from: "2026-01-30",
      to: "2026-02-02",
      total: 0,
      replies: 0,
      byDay: ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"].map((day) => ({ day, spent: 0 })),
      byModel: [],
      byConversation: [],
      otherConversations: { count: 0, spent: 0, replies: 0 },
    });
  });

  it("another user's spend and conversations never appear", async () => {
    const a = await createUser(t.db);
    const b = await createUser(t.db);
    for (const u of [a, b])
      await grant(t.db, { userId: u.id, amount: 1000, reason: "purchase", refType: "operator", refId: `s-${u.id}` });
    const bConv = await t.db.conversation.create({ data: { userId: b.id, title: "B's secret" } });
    await chargedReply(t.db, b.id, bConv.id, "demo", 77, "2026-06-01");
    const aReport = await callerFor(t.db, a.id).credits.usage({ from: "2026-06-01", to: "2026-06-01" });
    expect(aReport.total).toBe(0);
    expect(JSON.stringify(aReport)).not.toContain("secret");
    // Even a ledger row of A's that names one of B's messages reveals nothing of B's conversation.
    const bPrompt = await t.db.message.create({ data: { conversationId: bConv.id, role: "user", content: "hi" } });
    const forged = await spend(t.db, { userId: a.id, amount: 3, refType: CHAT_REF_TYPE, refId: bPrompt.id });
    await t.db.creditLedger.update({
      where: { id: forged.entry.id },
      data: { createdAt: new Date("2026-06-01T01:00:00Z") },
    });
    const forgedReport = await callerFor(t.db, a.id).credits.usage({ from: "2026-06-01", to: "2026-06-01" });
    expect(forgedReport.total).toBe(3);
    expect(forgedReport.byConversation).toEqual([{ id: null, title: null, spent: 3, replies: 1 }]);
    expect(forgedReport.byModel).toEqual([{ model: null, spent: 3, replies: 1 }]);
    expect(JSON.stringify(forgedReport)).not.toContain("secret");
    const bReport = await callerFor(t.db, b.id).credits.usage({ from: "2026-06-01", to: "2026-06-01" });
    expect(bReport.byConversation).toEqual([{ id: bConv.id, title: "B's secret", spent: 77, replies: 1 }]);
  });

  it("bad ranges are refused with a clear BAD_REQUEST and change nothing", async () => {
    const u = await createUser(t.db);
    const caller = callerFor(t.db, u.id);
    const before = await snapshot(t.db);
    const cases: [unknown, RegExp][] = [
      [{ from: "2026-03-05", to: "2026-03-01" }, /start date must not be after the end date/],
      [{ from: "2025-01-01", to: "2026-01-02" }, /at most 366 days/],
      [{ from: "2026-02-30", to: "2026-03-01" }, /real calendar days/],
      [{ from: "2026-3-1", to: "2026-03-01" }, /YYYY-MM-DD/],
      [{ from: "2026-03-01T00:00:00Z", to: "2026-03-01" }, /YYYY-MM-DD|Too big|10/],
      [{ from: "2026-03-01" }, /to/],
    ];
    for (const [input, message] of cases) {
      const error = await caller.credits.usage(input as { from: string; to: string }).then(
        () => null,
        (e: unknown) => e as { code?: string; message: string },
      );
      expect(error?.code, JSON.stringify(input)).toBe("BAD_REQUEST");
      expect(error?.message).toMatch(message);
    }
    // The domain refuses too, whoever calls it.
    await expect(usageReport(t.db, u.id, { from: "2026-03-05", to: "2026-03-01" })).rejects.toThrow(
      /start date must not be after/,
    );
    // Exactly 366 days is allowed.
    expect((await caller.credits.usage({ from: "2025-01-01", to: "2026-01-01" })).byDay).toHaveLength(366);
    expect(await snapshot(t.db)).toEqual(before);
  });
});
