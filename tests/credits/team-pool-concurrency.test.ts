import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import {
  grant,
  InsufficientCreditsError,
  MemberLimitExceededError,
  memberLimitUse,
  release,
  reserve,
  settle,
  spend,
} from "~/server/credits";

import type { Tx } from "~/server/database/transaction";
import { TeamNotFoundError } from "~/server/teams/errors";
import { removeMember, setMemberLimits } from "~/server/teams/members";

import { loggedDb, type LoggedDb } from "../helpers/statement-log";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { addMember, createTeam, expectPoolConsistent } from "./team-pool-helpers";

const chatRef = () => ({ refType: "chat_message" as const, refId: randomUUID() });

/** Small deterministic PRNG so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describeEachDb("team pools under concurrency", (kind) => {
  let t: TestDb;
  let logged: LoggedDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
    logged = await loggedDb(t);
  });
  afterAll(async () => {
    await logged.close();
    await t.close();
  });

  it("100 members spending one pool at once (spends and reserve+settle) never overdraw it nor exceed a limit", async () => {
    const random = prng(17);
    const team = await createTeam(t.db, 8_000);
    const members = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const limits =
          i % 4 === 0
            ? {}
            : i % 4 === 1
              ? { dailyLimit: 60 + Math.floor(random() * 200) }
              : i % 4 === 2
                ? { weeklyLimit: 60 + Math.floor(random() * 200) }
                : { monthlyLimit: 60 + Math.floor(random() * 200), dailyLimit: 150 };
        return { id: await addMember(t.db, team.id, limits), limits };
      }),
    );
    // Every member runs 4 operations at once, so a member also races themselves.
    const operations = members.flatMap((m) =>
      Array.from({ length: 4 }, () => {
        const amount = 10 + Math.floor(random() * 70);
        const viaHold = random() < 0.5;
        const cost = Math.floor(random() * (amount + 1));
        return async () => {
          if (!viaHold) return (await spend(t.db, { userId: m.id, teamId: team.id, amount, ...chatRef() })).entry;
          const hold = await reserve(t.db, { userId: m.id, teamId: team.id, amount, ttlSeconds: 60, ...chatRef() });
          return (await settle(t.db, { holdId: hold.id, cost, ...chatRef() })).entry;
        };
      }),
    );
    const results = await Promise.allSettled(operations.map((run) => run()));
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    for (const reason of refusals) expect(reason).toBeInstanceOf(InsufficientCreditsError);
    expect(refusals.some((r) => r instanceof MemberLimitExceededError)).toBe(true);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(100);

    const { balance, held } = await expectPoolConsistent(t.db, team.id);
    expect(held).toBe(0);
    expect(balance).toBeGreaterThanOrEqual(0);
    const rows = await t.db.creditLedger.findMany({ where: { teamId: team.id } });
    expect(rows.every((r) => r.balanceAfter >= 0)).toBe(true);
    for (const m of members) {
      const spent = rows.filter((r) => r.userId === m.id).reduce((sum, r) => sum - r.amount, 0);
      for (const limit of Object.values(m.limits)) expect(spent).toBeLessThanOrEqual(limit);
      for (const use of await memberLimitUse(t.db, team.id, m.id)) expect(use.used).toBe(spent);
    }
  }, 120_000);

  it("one member's 20 racing spends stop exactly at their limit", async () => {
    const team = await createTeam(t.db, 10_000);
    const member = await addMember(t.db, team.id, { dailyLimit: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => spend(t.db, { userId: member, teamId: team.id, amount: 10, ...chatRef() })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(MemberLimitExceededError);
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([
      { period: "day", limit: 100, used: 100, remaining: 0 },
    ]);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 9_900, held: 0 });
  }, 60_000);

  it("one member's racing reserves stop exactly at their limit", async () => {
    const team = await createTeam(t.db, 10_000);
    const member = await addMember(t.db, team.id, { weeklyLimit: 95 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        reserve(t.db, { userId: member, teamId: team.id, amount: 10, ttlSeconds: 60, ...chatRef() }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(9);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 10_000, held: 90 });
  }, 60_000);

  /** The statements (round trips) `write` sent through the logged client. */
  async function statementsOf<T>(write: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    logged.statements.length = 0;
    const result = await write();
    return { result, statements: [...logged.statements] };
  }

  it("a pool spend, grant, refusal and reserve take one round trip each, limits or not; release one", async () => {
    const team = await createTeam(t.db, 1_000);
    const member = await addMember(t.db, team.id, { dailyLimit: 500, weeklyLimit: 600, monthlyLimit: 700 });
    const free = await addMember(t.db, team.id);
    const db = logged.db;
    for (const userId of [member, free]) {
      const spent = await statementsOf(() => spend(db, { userId, teamId: team.id, amount: 10, ...chatRef() }));
      expect(spent.statements).toHaveLength(1);
      expect(spent.result.created).toBe(true);
    }
    const granted = await statementsOf(() =>
      grant(db, { userId: team.ownerId, teamId: team.id, amount: 5, reason: "purchase", ...chatRef() }),
    );
    expect(granted.statements).toHaveLength(1);
    const refused = await statementsOf(() =>
      spend(db, { userId: member, teamId: team.id, amount: 491, ...chatRef() }).catch((e: unknown) => e),
    );
    expect(refused.statements).toHaveLength(1);
    expect(refused.result).toBeInstanceOf(MemberLimitExceededError);
    const held = await statementsOf(() =>
      reserve(db, { userId: member, teamId: team.id, amount: 10, ttlSeconds: 60, ...chatRef() }),
    );
    expect(held.statements).toHaveLength(1);
    const released = await statementsOf(() => release(db, held.result.id));
    expect(released.statements).toHaveLength(1);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 985, held: 0 });
  });

  it("a member without a limit spends without rewriting their TeamMember row; one with a limit moves its totals", async () => {
    const team = await createTeam(t.db, 1_000);
    const free = await addMember(t.db, team.id);
    const limited = await addMember(t.db, team.id, { dailyLimit: 500 });
    const version = async (userId: string) => {
      const [row] = await t.db.$queryRaw<{ v: string; spentDay: number; heldCredits: number }[]>`
        SELECT xmin::text AS v, "spentDay", "heldCredits" FROM "TeamMember"
         WHERE "teamId" = ${team.id} AND "userId" = ${userId}`;
      return row!;
    };
    const freeBefore = await version(free);
    await spend(t.db, { userId: free, teamId: team.id, amount: 10, ...chatRef() });
    await reserve(t.db, { userId: free, teamId: team.id, amount: 10, ttlSeconds: 60, ...chatRef() });
    expect(await version(free)).toEqual(freeBefore);
    const limitedBefore = await version(limited);
    await spend(t.db, { userId: limited, teamId: team.id, amount: 10, ...chatRef() });
    await reserve(t.db, { userId: limited, teamId: team.id, amount: 7, ttlSeconds: 60, ...chatRef() });
    const limitedAfter = await version(limited);
    expect(limitedAfter.v).not.toBe(limitedBefore.v);
    expect(limitedAfter).toMatchObject({ spentDay: 10, heldCredits: 7 });
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 980, held: 17 });
  });

  /**
   * Holds the Team lock in a transaction that runs `change` (a membership change), starts `write` meanwhile
   * (it waits for the lock with a snapshot from before the change) and commits; returns the write's outcome.
   */
  async function writeDuringChange(change: (tx: Tx) => Promise<void>, write: () => Promise<unknown>) {
    let outcome: Promise<PromiseSettledResult<unknown>> | undefined;
    await t.db.$transaction(async (tx) => {
      await change(tx);
      outcome = Promise.allSettled([write()]).then(([r]) => r!);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    return outcome!;
  }

  it("a limit set while a member's spend waits for the pool decides that spend: it counts what they spent before", async () => {
    const team = await createTeam(t.db, 1_000);
    const member = await addMember(t.db, team.id);
    await spend(t.db, { userId: member, teamId: team.id, amount: 5, ...chatRef() });
    const outcome = await writeDuringChange(
      (tx) =>
        setMemberLimits(tx, team.ownerId, {
          teamId: team.id,
          memberId: member,
          limits: { day: 5, week: null, month: null },
        }),
      () => spend(t.db, { userId: member, teamId: team.id, amount: 1, ...chatRef() }),
    );
    expect(outcome.status === "rejected" && outcome.reason).toBeInstanceOf(MemberLimitExceededError);
    expect(await memberLimitUse(t.db, team.id, member)).toEqual([{ period: "day", limit: 5, used: 5, remaining: 0 }]);
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 995, held: 0 });
  });

  it("a member removed while their spend or reserve waits for the pool is refused like an outsider", async () => {
    const team = await createTeam(t.db, 1_000);
    for (const write of ["spend", "reserve"] as const) {
      const member = await addMember(t.db, team.id);
      const outcome = await writeDuringChange(
        (tx) => removeMember(tx, team.ownerId, { teamId: team.id, memberId: member }),
        () =>
          write === "spend"
            ? spend(t.db, { userId: member, teamId: team.id, amount: 1, ...chatRef() })
            : reserve(t.db, { userId: member, teamId: team.id, amount: 1, ttlSeconds: 60, ...chatRef() }),
      );
      expect(outcome.status === "rejected" && outcome.reason).toBeInstanceOf(TeamNotFoundError);
    }
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 1_000, held: 0 });
  });
});
