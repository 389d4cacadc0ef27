import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import {
  adjust,
  clawback,
  getBalance,
  getTeamBalance,
  grant,
  InsufficientCreditsError,
  LedgerRefConflictError,
  MemberLimitExceededError,
  memberLimitUse,
  release,
  reserve,
  settle,
  spend,
  sweepStaleHolds,
} from "~/server/credits";
import type { MemberLimits } from "~/lib/teams";
import { setMemberLimits } from "~/server/teams/members";
import { TeamNotFoundError } from "~/server/teams/errors";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { addMember, createTeam, expectPoolConsistent } from "./team-pool-helpers";

const chatRef = () => ({ refType: "chat_message" as const, refId: randomUUID() });

describeEachDb("team pools: the credits core", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("grant, spend, reserve, settle and release on a pool move only the Team row; rows carry teamId and the member", async () => {
    const team = await createTeam(t.db);
    const member = await addMember(t.db, team.id);
    await grant(t.db, { userId: member, amount: 77, reason: "purchase", refType: "operator", refId: `own-${member}` });

    const bought = await grant(t.db, {
      userId: team.ownerId,
      teamId: team.id,
      amount: 1_000,
      reason: "purchase",
      ...chatRef(),
    });
    expect(bought.entry).toMatchObject({ teamId: team.id, userId: team.ownerId, amount: 1_000, balanceAfter: 1_000 });
    const spent = await spend(t.db, { userId: member, teamId: team.id, amount: 100, ...chatRef() });
    expect(spent.entry).toMatchObject({
      teamId: team.id,
      userId: member,
      amount: -100,
      balanceAfter: 900,
      reason: "chat_usage",
    });

    const hold = await reserve(t.db, { userId: member, teamId: team.id, amount: 300, ttlSeconds: 60, ...chatRef() });
    expect(hold).toMatchObject({ teamId: team.id, userId: member, amount: 300, status: "active" });
    expect(await getTeamBalance(t.db, team.id)).toEqual({ balance: 900, held: 300, spendable: 600 });
    const settled = await settle(t.db, { holdId: hold.id, cost: 120, ...chatRef() });
    expect(settled.charged).toBe(120);
    expect(settled.entry).toMatchObject({ teamId: team.id, userId: member, amount: -120, balanceAfter: 780 });

    const other = await reserve(t.db, { userId: member, teamId: team.id, amount: 50, ttlSeconds: 60, ...chatRef() });
    expect(await release(t.db, other.id)).toBe(true);

    await clawback(t.db, { userId: team.ownerId, teamId: team.id, amount: 1_000, reason: "refund", ...chatRef() });
    await adjust(t.db, { userId: team.ownerId, teamId: team.id, amount: 20, note: "fix", ...chatRef() });

    expect(await getTeamBalance(t.db, team.id)).toEqual({ balance: -200, held: 0, spendable: 0 });
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: -200, held: 0 });
    // The member's and the owner's own accounts never moved.
    expect(await getBalance(t.db, member)).toEqual({ balance: 77, held: 0, spendable: 77 });
    expect(await getBalance(t.db, team.ownerId)).toEqual({ balance: 0, held: 0, spendable: 0 });
  });

  it("a non-member's spend and reserve are NOT_FOUND and write nothing; so is an unknown team", async () => {
    const team = await createTeam(t.db, 1_000);
    const outsider = (await createUser(t.db)).id;
    await grant(t.db, {
      userId: outsider,
      amount: 500,
      reason: "purchase",
      refType: "operator",
      refId: `own-${outsider}`,
    });
    const before = await t.db.creditLedger.count();
    for (const attempt of [
      () => spend(t.db, { userId: outsider, teamId: team.id, amount: 10, ...chatRef() }),
      () => reserve(t.db, { userId: outsider, teamId: team.id, amount: 10, ttlSeconds: 60, ...chatRef() }),
      () => spend(t.db, { userId: outsider, teamId: "no-such-team", amount: 10, ...chatRef() }),
      () => reserve(t.db, { userId: outsider, teamId: "no-such-team", amount: 10, ttlSeconds: 60, ...chatRef() }),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TeamNotFoundError);
      expect((error as TeamNotFoundError).code).toBe("team_not_found");
    }
    expect(await t.db.creditLedger.count()).toBe(before);
    expect(await t.db.creditHold.count({ where: { userId: outsider } })).toBe(0);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 1_000, held: 0 });
    expect((await getBalance(t.db, outsider)).balance).toBe(500);
  });

  it("a pool too low refuses with its own numbers and teamId", async () => {
    const team = await createTeam(t.db, 100);
    const member = await addMember(t.db, team.id);
    await reserve(t.db, { userId: member, teamId: team.id, amount: 30, ttlSeconds: 60, ...chatRef() });
    const error = await spend(t.db, { userId: member, teamId: team.id, amount: 80, ...chatRef() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).not.toBeInstanceOf(MemberLimitExceededError);
    expect((error as InsufficientCreditsError).shortfall).toEqual({
      needed: 80,
      spendable: 70,
      held: 30,
      balance: 100,
      teamId: team.id,
    });
    const onReserve = await reserve(t.db, {
      userId: member,
      teamId: team.id,
      amount: 71,
      ttlSeconds: 60,
      ...chatRef(),
    }).catch((e: unknown) => e);
    expect((onReserve as InsufficientCreditsError).shortfall).toMatchObject({
      needed: 71,
      spendable: 70,
      teamId: team.id,
    });
    await expectPoolConsistent(t.db, team.id);
  });

  it("a ref is one account's: reusing a personal ref on a pool (or another pool) is a conflict", async () => {
    const team = await createTeam(t.db, 100);
    const member = await addMember(t.db, team.id);
    const ref = chatRef();
    await grant(t.db, { userId: member, amount: 10, reason: "adjustment", ...ref });
    await expect(spend(t.db, { userId: member, teamId: team.id, amount: 5, ...ref })).rejects.toBeInstanceOf(
      LedgerRefConflictError,
    );
    const poolRef = chatRef();
    const first = await spend(t.db, { userId: member, teamId: team.id, amount: 5, ...poolRef });
    const again = await spend(t.db, { userId: member, teamId: team.id, amount: 5, ...poolRef });
    expect(again).toMatchObject({ created: false, entry: { id: first.entry.id } });
    await expect(spend(t.db, { userId: member, amount: 5, ...poolRef })).rejects.toBeInstanceOf(LedgerRefConflictError);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 95, held: 0 });
  });

  /** Writes a chat_usage row on the pool and moves its balance, dated `at`. */
  async function spentAt(teamId: string, userId: string, amount: number, at: Date) {
    const { entry } = await spend(t.db, { userId, teamId, amount, ...chatRef() });
    await t.db.creditLedger.update({ where: { id: entry.id }, data: { createdAt: at } });
  }

  const DAY = 86_400_000;

  /** Each period's first instant (UTC) at `now`: the day, the ISO week (from Monday), the month. */
  function periodStarts(now: Date) {
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return {
      day: new Date(day),
      week: new Date(day - ((now.getUTCDay() + 6) % 7) * DAY),
      month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    };
  }

  /** A member who spends without a limit; the admin then sets `limits` (which recounts their use from the ledger). */
  async function limitedLater(team: { id: string; ownerId: string }, spends: [number, Date][], limits: MemberLimits) {
    const member = await addMember(t.db, team.id);
    for (const [amount, at] of spends) await spentAt(team.id, member, amount, at);
    await setMemberLimits(t.db, team.ownerId, { teamId: team.id, memberId: member, limits });
    return member;
  }

  const NO_LIMITS = { day: null, week: null, month: null };

  it("a limit set after spending counts each period's own rows: last week's and last month's do not, this week's does", async () => {
    const starts = periodStarts(new Date());
    const team = await createTeam(t.db, 100_000);

    // Weekly: a row just before this Monday does not count; one just after does.
    const weekly = await limitedLater(
      team,
      [
        [90, new Date(starts.week.getTime() - 1_000)],
        [60, new Date(starts.week.getTime() + 1_000)],
      ],
      { ...NO_LIMITS, week: 100 },
    );
    expect(await memberLimitUse(t.db, team.id, weekly)).toEqual([
      { period: "week", limit: 100, used: 60, remaining: 40 },
    ]);
    const weekError = await spend(t.db, { userId: weekly, teamId: team.id, amount: 41, ...chatRef() }).catch(
      (e: unknown) => e,
    );
    expect(weekError).toBeInstanceOf(MemberLimitExceededError);
    expect((weekError as MemberLimitExceededError).code).toBe("member_limit_exceeded");
    expect((weekError as MemberLimitExceededError).shortfall).toEqual({
      needed: 41,
      spendable: 40,
      held: 0,
      balance: expect.any(Number) as number,
      teamId: team.id,
      memberLimit: { period: "week", limit: 100, used: 60 },
    });
    await spend(t.db, { userId: weekly, teamId: team.id, amount: 40, ...chatRef() });

    // Monthly: a row from last month does not count, one from this month does.
    const monthly = await limitedLater(
      team,
      [
        [45, new Date(starts.month.getTime() - DAY)],
        [30, new Date(starts.month.getTime() + 1_000)],
      ],
      { ...NO_LIMITS, month: 50 },
    );
    const monthError = await spend(t.db, { userId: monthly, teamId: team.id, amount: 21, ...chatRef() }).catch(
      (e: unknown) => e,
    );
    expect((monthError as MemberLimitExceededError).shortfall.memberLimit).toEqual({
      period: "month",
      limit: 50,
      used: 30,
    });
    await spend(t.db, { userId: monthly, teamId: team.id, amount: 20, ...chatRef() });

    // Daily: yesterday's row does not count; a hold taken before the limit does.
    const daily = await limitedLater(team, [[10, new Date(starts.day.getTime() - 1_000)]], { ...NO_LIMITS, day: 12 });
    await spend(t.db, { userId: daily, teamId: team.id, amount: 7, ...chatRef() });
    const dayError = await spend(t.db, { userId: daily, teamId: team.id, amount: 6, ...chatRef() }).catch(
      (e: unknown) => e,
    );
    expect((dayError as MemberLimitExceededError).shortfall).toMatchObject({
      spendable: 5,
      memberLimit: { period: "day", limit: 12, used: 7 },
    });
    const holder = await addMember(t.db, team.id);
    await reserve(t.db, { userId: holder, teamId: team.id, amount: 8, ttlSeconds: 60, ...chatRef() });
    await setMemberLimits(t.db, team.ownerId, { teamId: team.id, memberId: holder, limits: { ...NO_LIMITS, day: 10 } });
    expect(await memberLimitUse(t.db, team.id, holder)).toEqual([{ period: "day", limit: 10, used: 8, remaining: 2 }]);
    await expectPoolConsistent(t.db, team.id);
  });

  it("a period that has ended counts as zero: the totals of an earlier day, week or month roll over", async () => {
    const now = new Date();
    const starts = periodStarts(now);
    const team = await createTeam(t.db, 100_000);
    const member = await addMember(t.db, team.id, { dailyLimit: 10, weeklyLimit: 100, monthlyLimit: 1_000 });
    const kept = { spentDay: 9, spentWeek: 90, spentMonth: 900, heldCredits: 0 };
    /** The member's totals as the gate finds them when they were last moved on `usageDay`. */
    const lastMovedOn = (usageDay: Date) =>
      t.db.teamMember.update({
        where: { teamId_userId: { teamId: team.id, userId: member } },
        data: { usageDay, ...kept },
      });
    const used = async () =>
      Object.fromEntries((await memberLimitUse(t.db, team.id, member)).map((u) => [u.period, u.used]));

    await lastMovedOn(starts.day);
    expect(await used()).toEqual({ day: 9, week: 90, month: 900 });
    await expect(spend(t.db, { userId: member, teamId: team.id, amount: 2, ...chatRef() })).rejects.toBeInstanceOf(
      MemberLimitExceededError,
    );

    const yesterday = new Date(starts.day.getTime() - DAY);
    await lastMovedOn(yesterday);
    const weekKept = yesterday >= starts.week ? 90 : 0;
    const monthKept = yesterday >= starts.month ? 900 : 0;
    expect(await used()).toEqual({ day: 0, week: weekKept, month: monthKept });
    await spend(t.db, { userId: member, teamId: team.id, amount: 2, ...chatRef() });
    expect(
      await t.db.teamMember.findUniqueOrThrow({
        where: { teamId_userId: { teamId: team.id, userId: member } },
        select: { usageDay: true, spentDay: true, spentWeek: true, spentMonth: true },
      }),
    ).toEqual({ usageDay: starts.day, spentDay: 2, spentWeek: weekKept + 2, spentMonth: monthKept + 2 });

    await lastMovedOn(new Date(Date.UTC(2020, 0, 1)));
    expect(await used()).toEqual({ day: 0, week: 0, month: 0 });
  });

  it("the tightest refusing limit is named; available is min(pool spendable, remaining); refusals write nothing", async () => {
    const team = await createTeam(t.db, 25);
    const member = await addMember(t.db, team.id, { dailyLimit: 100, weeklyLimit: 60, monthlyLimit: 1_000 });
    await spend(t.db, { userId: member, teamId: team.id, amount: 20, ...chatRef() });
    const before = await t.db.creditLedger.count({ where: { teamId: team.id } });
    const error = await spend(t.db, { userId: member, teamId: team.id, amount: 50, ...chatRef() }).catch(
      (e: unknown) => e,
    );
    expect((error as MemberLimitExceededError).shortfall).toEqual({
      needed: 50,
      spendable: 5,
      held: 0,
      balance: 5,
      teamId: team.id,
      memberLimit: { period: "week", limit: 60, used: 20 },
    });
    expect(await t.db.creditLedger.count({ where: { teamId: team.id } })).toBe(before);
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([
      { period: "day", limit: 100, used: 20, remaining: 80 },
      { period: "week", limit: 60, used: 20, remaining: 40 },
      { period: "month", limit: 1_000, used: 20, remaining: 980 },
    ]);
  });

  it("active holds count against limits; a settle never fails on them and a release frees them", async () => {
    const team = await createTeam(t.db, 1_000);
    const member = await addMember(t.db, team.id, { dailyLimit: 100 });
    const hold = await reserve(t.db, { userId: member, teamId: team.id, amount: 80, ttlSeconds: 60, ...chatRef() });
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([
      { period: "day", limit: 100, used: 80, remaining: 20 },
    ]);
    const refused = await reserve(t.db, {
      userId: member,
      teamId: team.id,
      amount: 30,
      ttlSeconds: 60,
      ...chatRef(),
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MemberLimitExceededError);
    expect((refused as MemberLimitExceededError).shortfall).toMatchObject({
      held: 80,
      memberLimit: { period: "day", limit: 100, used: 80 },
    });
    await expect(spend(t.db, { userId: member, teamId: team.id, amount: 21, ...chatRef() })).rejects.toBeInstanceOf(
      MemberLimitExceededError,
    );
    // The admin lowers the limit below what is held: the settle still charges.
    await t.db.teamMember.update({
      where: { teamId_userId: { teamId: team.id, userId: member } },
      data: { dailyLimit: 10 },
    });
    const { charged } = await settle(t.db, { holdId: hold.id, cost: 70, ...chatRef() });
    expect(charged).toBe(70);
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([{ period: "day", limit: 10, used: 70, remaining: 0 }]);
    await t.db.teamMember.update({
      where: { teamId_userId: { teamId: team.id, userId: member } },
      data: { dailyLimit: 100 },
    });
    const second = await reserve(t.db, { userId: member, teamId: team.id, amount: 30, ttlSeconds: 60, ...chatRef() });
    expect(await release(t.db, second.id)).toBe(true);
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([
      { period: "day", limit: 100, used: 70, remaining: 30 },
    ]);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 930, held: 0 });
  });

  it("memberLimitUse: empty without limits or membership; getTeamBalance of an unknown team is NOT_FOUND", async () => {
    const team = await createTeam(t.db, 10);
    expect(await memberLimitUse(t.db, team.id, team.ownerId)).toEqual([]);
    expect(await memberLimitUse(t.db, team.id, (await createUser(t.db)).id)).toEqual([]);
    await expect(getTeamBalance(t.db, "no-such-team")).rejects.toBeInstanceOf(TeamNotFoundError);
  });

  it("the stale-hold sweep releases an expired pool hold on the Team row", async () => {
    const team = await createTeam(t.db, 500);
    const member = await addMember(t.db, team.id);
    const hold = await reserve(t.db, {
      userId: member,
      teamId: team.id,
      amount: 200,
      ttlSeconds: 1,
      refType: "operator",
      refId: randomUUID(),
    });
    const counts = await sweepStaleHolds(t.db, { userId: member, now: new Date(Date.now() + 5_000) });
    expect(counts.released).toBe(1);
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: hold.id } })).status).toBe("released");
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 500, held: 0 });
  });

  it("inside a caller's transaction a pool spend joins it and rolls back with it", async () => {
    const team = await createTeam(t.db, 100);
    const member = await addMember(t.db, team.id, { dailyLimit: 50 });
    await t.db
      .$transaction(async (tx) => {
        await spend(tx, { userId: member, teamId: team.id, amount: 40, ...chatRef() });
        await expect(spend(tx, { userId: member, teamId: team.id, amount: 20, ...chatRef() })).rejects.toBeInstanceOf(
          MemberLimitExceededError,
        );
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 100, held: 0 });
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([{ period: "day", limit: 50, used: 0, remaining: 50 }]);
  });
});
