import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import type { LedgerReason } from "~/generated/prisma/client";
import { CHAT_REF_TYPE, CHECKOUT_REF_TYPE } from "~/server/credits";
import type { Db } from "~/server/db";

import { accountInvariantViolations, createTeam, teamSnapshot, type TeamFixture } from "../billing/team-fixtures";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";

const sum = (xs: { spent: number }[]) => xs.reduce((s, x) => s + x.spent, 0);

/**
 * A pool ledger row as the credits core writes it (teamId = pool, userId = the member who caused it), moving the
 * Team row with it, at `at`. Written directly so the reports are tested on exactly the rows they must read.
 */
async function poolRow(
  db: Db,
  row: {
    teamId: string;
    userId: string;
    amount: number;
    reason: LedgerReason;
    refType: string;
    refId: string;
    at: string;
  },
) {
  const team = await db.team.update({ where: { id: row.teamId }, data: { balance: { increment: row.amount } } });
  return db.creditLedger.create({
    data: {
      userId: row.userId,
      teamId: row.teamId,
      amount: row.amount,
      balanceAfter: team.balance,
      reason: row.reason,
      refType: row.refType,
      refId: row.refId,
      createdAt: new Date(row.at),
    },
  });
}

/** A reply by `userId` in their own conversation, paid from the pool: `amount` credits at `at`. */
async function poolReply(db: Db, teamId: string, userId: string, model: string, amount: number, at: string) {
  const conversation = await db.conversation.create({ data: { userId, title: `Secret plans of ${userId}` } });
  const message = await db.message.create({
    data: { conversationId: conversation.id, role: "assistant", content: "reply", model, paidByTeamId: teamId },
  });
  await poolRow(db, {
    teamId,
    userId,
    amount: -amount,
    reason: "chat_usage",
    refType: CHAT_REF_TYPE,
    refId: message.id,
    at,
  });
  return { conversation, message };
}

describeEachDb("team reports: the pool's ledger and usage for its admins", (kind) => {
  let t: TestDb;
  let team: TeamFixture;
  let purchaseId: string;
  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await createTeam(t.db);
    purchaseId = `cs_test_${randomUUID().replaceAll("-", "")}`;
    await t.db.purchase.create({
      data: {
        id: purchaseId,
        userId: team.admin.id,
        teamId: team.id,
        packId: "pro",
        credits: 200_000,
        amountTotal: 1500,
        currency: "usd",
      },
    });
    await poolRow(t.db, {
      teamId: team.id,
      userId: team.admin.id,
      amount: 200_000,
      reason: "purchase",
      refType: CHECKOUT_REF_TYPE,
      refId: purchaseId,
      at: "2026-03-01T08:00:00Z",
    });
    await poolReply(t.db, team.id, team.member.id, "demo", 100, "2026-03-01T12:00:00Z");
    await poolReply(t.db, team.id, team.member.id, "demo-fast", 40, "2026-03-02T12:00:00Z");
    await poolReply(t.db, team.id, team.admin.id, "demo", 25, "2026-03-02T13:00:00Z");
    await poolReply(t.db, team.id, team.owner.id, "demo-fast", 7, "2026-03-03T23:59:59Z");
    await poolReply(t.db, team.id, team.member.id, "demo", 999, "2026-02-28T23:59:59Z"); // before the range
    await poolReply(t.db, team.id, team.member.id, "demo", 888, "2026-03-04T00:00:00Z"); // after it

    // The member's own spend and another team's pool are not this pool's.
    const other = await createTeam(t.db);
    await poolReply(t.db, other.id, other.member.id, "demo", 500, "2026-03-02T12:00:00Z");
    const own = await t.db.conversation.create({ data: { userId: team.member.id, title: "Mine" } });
    const ownReply = await t.db.message.create({
      data: { conversationId: own.id, role: "assistant", content: "reply", model: "demo" },
    });
    await t.db.creditLedger.create({
      data: {
        userId: team.member.id,
        amount: 0,
        balanceAfter: 0,
        reason: "chat_usage",
        refType: CHAT_REF_TYPE,
        refId: ownReply.id,
        createdAt: new Date("2026-03-02T12:00:00Z"),
      },
    });
  });
  afterAll(() => t.close());

  const range = { from: "2026-03-01", to: "2026-03-03" };

  it("usage: by day, by model and by member each sum to the total, from the pool's rows only", async () => {
    for (const userId of [team.owner.id, team.admin.id]) {
      const report = await callerFor(t.db, userId).credits.usage({ ...range, teamId: team.id });
      expect(report.total).toBe(172);
      expect(report.replies).toBe(4);
      expect(sum(report.byDay)).toBe(report.total);
      expect(sum(report.byModel)).toBe(report.total);
      expect(sum(report.byMember!)).toBe(report.total);
      expect(report.byDay).toEqual([
        { day: "2026-03-01", spent: 100 },
        { day: "2026-03-02", spent: 65 },
        { day: "2026-03-03", spent: 7 },
      ]);
      expect(report.byModel).toEqual([
        { model: "demo", spent: 125, replies: 2 },
        { model: "demo-fast", spent: 47, replies: 2 },
      ]);
      expect(report.byMember).toEqual([
        { userId: team.member.id, name: "Mo Member", spent: 140, replies: 2 },
        { userId: team.admin.id, name: "Ada Admin", spent: 25, replies: 1 },
        { userId: team.owner.id, name: "Olga Owner", spent: 7, replies: 1 },
      ]);
      // Members' conversations are theirs: the team report names none.
      expect(report.byConversation).toEqual([]);
      expect(JSON.stringify(report)).not.toContain("Secret plans");
    }
  });

  it("usage of an empty range is zero everywhere, days zero-filled", async () => {
    const report = await callerFor(t.db, team.admin.id).credits.usage({
      from: "2025-01-01",
      to: "2025-01-02",
      teamId: team.id,
    });
    expect(report).toMatchObject({ total: 0, replies: 0, byModel: [], byMember: [] });
    expect(report.byDay).toEqual([
      { day: "2025-01-01", spent: 0 },
      { day: "2025-01-02", spent: 0 },
    ]);
  });

  it("history: the pool's rows newest first, each naming the member who caused it; the purchase names its pack", async () => {
    const caller = callerFor(t.db, team.admin.id);
    const first = await caller.credits.history({ teamId: team.id, limit: 4 });
    const rest = await caller.credits.history({ teamId: team.id, limit: 20, cursor: first.nextCursor! });
    const items = [...first.items, ...rest.items];
    expect(rest.nextCursor).toBeNull();
    expect(items.map((i) => [i.member?.name, i.amount])).toEqual([
      ["Mo Member", -888],
      ["Olga Owner", -7],
      ["Ada Admin", -25],
      ["Mo Member", -40],
      ["Mo Member", -100],
      ["Ada Admin", 200_000],
      ["Mo Member", -999],
    ]);
    const total = items.reduce((s, i) => s + i.amount, 0);
    expect((await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).balance).toBe(total);
    expect(items.find((i) => i.amount === 200_000)).toMatchObject({ packId: "pro", refId: purchaseId });
    // Only the caller's own conversation shows through; another member's stays private.
    expect(items.find((i) => i.amount === -25)!.conversation?.title).toBe(`Secret plans of ${team.admin.id}`);
    expect(items.filter((i) => i.member?.id !== team.admin.id).every((i) => i.conversation === null)).toBe(true);
  });

  it("the personal history and usage of a member show none of the pool's rows", async () => {
    const caller = callerFor(t.db, team.member.id);
    const own = await caller.credits.history();
    expect(own.items).toHaveLength(1);
    expect(own.items[0]!.amount).toBe(0);
    const usage = await caller.credits.usage(range);
    expect(usage.total).toBe(0);
    expect(usage.byMember).toBeUndefined();
  });

  it("members get FORBIDDEN, outsiders and unknown teams NOT_FOUND, bad input BAD_REQUEST; nothing is written", async () => {
    const before = await teamSnapshot(t.db);
    const calls: [string, (c: ReturnType<typeof callerFor>) => Promise<unknown>, string][] = [
      [team.member.id, (c) => c.credits.history({ teamId: team.id, limit: 20 }), "FORBIDDEN"],
      [team.member.id, (c) => c.credits.usage({ ...range, teamId: team.id }), "FORBIDDEN"],
      [team.outsider.id, (c) => c.credits.history({ teamId: team.id, limit: 20 }), "NOT_FOUND"],
      [team.outsider.id, (c) => c.credits.usage({ ...range, teamId: team.id }), "NOT_FOUND"],
      [team.admin.id, (c) => c.credits.usage({ ...range, teamId: "c_unknown" }), "NOT_FOUND"],
      [team.admin.id, (c) => c.credits.history({ teamId: "x".repeat(65), limit: 20 }), "BAD_REQUEST"],
      [team.admin.id, (c) => c.credits.usage({ from: "2026-03-03", to: "2026-03-01", teamId: team.id }), "BAD_REQUEST"],
    ];
    for (const [userId, call, code] of calls) {
      await expect(call(callerFor(t.db, userId))).rejects.toMatchObject({ code });
    }
    expect(await teamSnapshot(t.db)).toEqual(before);
  });

  it("a member without a display name is named by their address while in the team, by nothing once they left", async () => {
    const other = await createTeam(t.db, "Nameless");
    await t.db.user.update({ where: { id: other.member.id }, data: { name: null } });
    await poolReply(t.db, other.id, other.member.id, "demo", 11, "2026-03-02T10:00:00Z");
    const { email } = await t.db.user.findUniqueOrThrow({ where: { id: other.member.id } });
    const caller = callerFor(t.db, other.admin.id);
    const report = async () => ({
      ledger: (await caller.credits.history({ teamId: other.id, limit: 20 })).items.map((i) => i.member?.name),
      byMember: (await caller.credits.usage({ from: "2026-03-01", to: "2026-03-03", teamId: other.id })).byMember?.map(
        (m) => m.name,
      ),
    });
    expect(await report()).toEqual({ ledger: [email], byMember: [email] });
    await t.db.teamMember.delete({ where: { teamId_userId: { teamId: other.id, userId: other.member.id } } });
    expect(await report()).toEqual({ ledger: [null], byMember: [null] });
  });

  it("the seeded pools and accounts are consistent (balance == Σ ledger), so the reports read real books", async () => {
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });
});
