/**
 * What the caller sees of member limits: their own limits' use and what they can spend now on
 * teams.list/get, every member's for admins on teams.members. The use itself is the credits core's
 * (memberLimitUse: chat spend in the period plus active holds on the pool).
 */
import { afterAll, beforeAll, expect, it } from "vitest";

import type { Db } from "~/server/db";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { castTeam } from "./team-fixtures";

/** The pool holds `balance`; `member` spent `spent` from it and has `held` in a reply in progress. */
async function poolWithUse(db: Db, teamId: string, member: string, spent: number, held: number, balance: number) {
  await db.creditLedger.createMany({
    data: [
      {
        userId: member,
        teamId,
        amount: balance + spent,
        balanceAfter: balance + spent,
        reason: "purchase",
        refType: "operator",
        refId: `fund-${teamId}`,
      },
      {
        userId: member,
        teamId,
        amount: -spent,
        balanceAfter: balance,
        reason: "chat_usage",
        refType: "chat_message",
        refId: `spent-${teamId}`,
      },
    ],
  });
  if (held > 0)
    await db.creditHold.create({
      data: {
        userId: member,
        teamId,
        amount: held,
        refType: "chat_message",
        refId: `held-${teamId}`,
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
  await db.team.update({ where: { id: teamId }, data: { balance, heldCredits: held } });
}

describeEachDb("teams: member limits as the caller sees them", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("list and get show the caller's limits in force, their use (spent + held) and what they may spend now", async () => {
    const c = await castTeam(t.db);
    await poolWithUse(t.db, c.teamId, c.member, 300, 100, 10_000);
    await callerFor(t.db, c.admin).teams.setLimits({
      teamId: c.teamId,
      memberId: c.member,
      limits: { day: 1_000, week: null, month: 5_000 },
    });
    const [mine] = await callerFor(t.db, c.member).teams.list();
    expect(mine).toMatchObject({ balance: 10_000, held: 100, spendable: 9_900 });
    expect(mine!.limits).toEqual([
      { period: "day", limit: 1_000, used: 400, remaining: 600 },
      { period: "month", limit: 5_000, used: 400, remaining: 4_600 },
    ]);
    expect(mine!.spendableForMe).toBe(600);
    expect((await callerFor(t.db, c.member).teams.get({ teamId: c.teamId })).spendableForMe).toBe(600);
    // Another member without limits may spend the whole spendable pool.
    expect((await callerFor(t.db, c.other).teams.list())[0]).toMatchObject({ limits: [], spendableForMe: 9_900 });
  });

  it("admins see every member's limits and use; the member sees only their own", async () => {
    const c = await castTeam(t.db);
    await poolWithUse(t.db, c.teamId, c.member, 250, 0, 1_000);
    await callerFor(t.db, c.admin).teams.setLimits({
      teamId: c.teamId,
      memberId: c.member,
      limits: { day: null, week: 200, month: null },
    });
    const seen = (await callerFor(t.db, c.admin).teams.members({ teamId: c.teamId })).find(
      (m) => m.userId === c.member,
    );
    expect(seen).toMatchObject({
      limits: { day: null, week: 200, month: null },
      use: [{ period: "week", limit: 200, used: 250, remaining: 0 }],
      spentThisMonth: 250,
    });
    const own = (await callerFor(t.db, c.member).teams.members({ teamId: c.teamId })).find(
      (m) => m.userId === c.member,
    );
    expect(own).toMatchObject({ use: [{ period: "week", used: 250, remaining: 0 }] });
    expect((await callerFor(t.db, c.member).teams.list())[0]!.spendableForMe).toBe(0);
    const byOther = (await callerFor(t.db, c.other).teams.members({ teamId: c.teamId })).find(
      (m) => m.userId === c.member,
    );
    expect(byOther).toMatchObject({ limits: null, use: null, spentThisMonth: null });
  });
});
