// Case 3c — a team pool is a hot account: 100 members spend one pool at once through the real
// spend() with teamId (membership and every limit of the member checked under the pool's row lock),
// against one personal account spent by as many callers in the same run over as many connections;
// then 100 members whose daily limit binds during the run. Correctness after each: the pool's balance
// and held equal its ledger and holds, no member over any limit, nothing overdrawn.
import { randomUUID } from "node:crypto";

import {
  CHAT_REF_TYPE,
  InsufficientCreditsError,
  MemberLimitExceededError,
  reserve,
  settle,
  spend,
} from "~/server/credits";
import { createDbHandle, type Db } from "~/server/database/create-client";
import { TeamNotFoundError } from "~/server/teams/errors";

import type { BenchCase, BenchContext } from "../lib/context";
import { balanceMismatches, poolMismatches } from "../lib/ledger-checks";
import { fundedUser } from "../lib/funded-user";
import { closedLoop, measureInterleaved, type LoadStats, type Measurable } from "../lib/load";
import { describeOverrun, limitOverruns, memberTotalMismatches, overdrawnPools, spentToday } from "../lib/pool-checks";
import { atLeast, fmt, type CaseReport } from "../lib/report";
import { seedTeam, type SeededTeam } from "../lib/seed-team";

const MEMBERS = 100;
/** Database connections of the client both sides spend through (case 3 uses 20 as well). */
const CONNECTIONS = 20;
const START_BALANCE = 1_000_000_000;
/** Limits on every period that a run cannot reach: the check runs in full, the refusal never. */
const LOOSE_LIMITS = { day: 400_000_000, week: 600_000_000, month: 800_000_000 };
/**
 * The binding variant's daily limit per member, set before each run from the single-account run just before
 * it: half of what a member would spend at that rate, so each run's members reach their limit about halfway.
 */
function bindingLimit(singleSpendsLastRun: number): number {
  return Math.max(2, Math.floor(singleSpendsLastRun / MEMBERS / 2));
}

interface LoopCounts {
  accepted: number;
  refused: number;
}

/**
 * `MEMBERS` callers, caller i calling `once(i, n)` until the time is up. A MemberLimitExceededError
 * is a decision like a spend (counted as refused); anything else is a failure.
 */
function callers(
  name: string,
  once: (caller: number, n: number) => Promise<void>,
  counts: LoopCounts,
  onRefused?: (caller: number) => void,
): Measurable {
  return closedLoop(
    name,
    MEMBERS,
    async (caller, n) => {
      await once(caller, n);
      counts.accepted++;
    },
    (error, caller) => {
      if (!(error instanceof MemberLimitExceededError)) return false;
      counts.refused++;
      onRefused?.(caller);
      return true;
    },
  );
}

async function poolRow(ctx: BenchContext, teamId: string): Promise<{ balance: number; held: number; rows: number }> {
  const r = await ctx.sql.query<{ balance: number; held: number; rows: string }>(
    `SELECT balance, "heldCredits" AS held, (SELECT COUNT(*) FROM "CreditLedger" WHERE "teamId" = $1) AS rows
       FROM "Team" WHERE id = $1`,
    [teamId],
  );
  const row = r.rows[0]!;
  return { balance: Number(row.balance), held: Number(row.held), rows: Number(row.rows) };
}

/** Never overdrawn, never twice: a pool of 5 credits, 20 members racing spends of 1. */
async function checkPoolRace(ctx: BenchContext, db: Db, report: CaseReport): Promise<void> {
  const team = await seedTeam(ctx.sql, db, {
    prefix: `race${randomUUID().slice(0, 8)}`,
    members: 20,
    credits: 5,
    limits: LOOSE_LIMITS,
  });
  const outcomes = await Promise.allSettled(
    team.memberIds.map((userId, i) =>
      spend(db, { userId, teamId: team.teamId, amount: 1, refType: CHAT_REF_TYPE, refId: `${team.teamId}:${i}` }),
    ),
  );
  const ok = outcomes.filter((o) => o.status === "fulfilled").length;
  const refused = outcomes.filter(
    (o) =>
      o.status === "rejected" &&
      o.reason instanceof InsufficientCreditsError &&
      !(o.reason instanceof MemberLimitExceededError) &&
      o.reason.teamId === team.teamId,
  ).length;
  const pool = await poolRow(ctx, team.teamId);
  report.check(
    "pool of 5 credits, 20 members racing spends of 1: exactly 5 succeed, 15 refused for the pool, balance 0",
    ok === 5 && refused === 15 && pool.balance === 0,
    `${ok} ok, ${refused} refused for the pool, balance ${pool.balance}`,
  );
}

/** A limit under concurrency: one member, daily limit 5, 20 racing spends of 1 from a pool that could pay them all. */
async function checkLimitRace(ctx: BenchContext, db: Db, report: CaseReport): Promise<void> {
  const team = await seedTeam(ctx.sql, db, {
    prefix: `lim${randomUUID().slice(0, 8)}`,
    members: 2,
    credits: 1_000,
    limits: { day: 5, week: null, month: null },
  });
  const member = team.memberIds[1]!;
  const outcomes = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      spend(db, {
        userId: member,
        teamId: team.teamId,
        amount: 1,
        refType: CHAT_REF_TYPE,
        refId: `${team.teamId}:${i}`,
      }),
    ),
  );
  const ok = outcomes.filter((o) => o.status === "fulfilled").length;
  const limited = outcomes.flatMap((o) =>
    o.status === "rejected" && o.reason instanceof MemberLimitExceededError ? [o.reason] : [],
  );
  const named = limited.every((e) => {
    const s = e.shortfall;
    return (
      s.teamId === team.teamId &&
      s.memberLimit?.period === "day" &&
      s.memberLimit.limit === 5 &&
      s.memberLimit.used === 5
    );
  });
  const spent = (await spentToday(ctx.sql, team.teamId)).get(member) ?? 0;
  report.check(
    "daily limit 5, 20 racing spends of 1 by the member: exactly 5 succeed, 15 refused naming the day's limit (5 used of 5)",
    ok === 5 && limited.length === 15 && named && spent === 5,
    `${ok} ok, ${limited.length} refused by the limit${named ? "" : " (a shortfall did not name day/5/5)"}, ${spent} spent`,
  );
}

/** A member's active hold counts against their limit; its settle frees what it did not charge. */
async function checkHoldsCount(ctx: BenchContext, db: Db, report: CaseReport): Promise<void> {
  const team = await seedTeam(ctx.sql, db, {
    prefix: `hold${randomUUID().slice(0, 8)}`,
    members: 2,
    credits: 1_000,
    limits: { day: 10, week: null, month: null },
  });
  const member = team.memberIds[1]!;
  const teamId = team.teamId;
  const refId = `${teamId}:reply`;
  const hold = await reserve(db, { userId: member, teamId, amount: 6, refType: CHAT_REF_TYPE, refId, ttlSeconds: 600 });
  const whileHeld = await spend(db, {
    userId: member,
    teamId,
    amount: 5,
    refType: CHAT_REF_TYPE,
    refId: `${teamId}:a`,
  }).then(
    () => "accepted",
    (e: unknown) => (e instanceof MemberLimitExceededError ? `refused (${e.used} used)` : String(e)),
  );
  await settle(db, { holdId: hold.id, cost: 2, refType: CHAT_REF_TYPE, refId });
  const afterSettle = await spend(db, {
    userId: member,
    teamId,
    amount: 5,
    refType: CHAT_REF_TYPE,
    refId: `${teamId}:b`,
  }).then(
    () => "accepted",
    (e: unknown) => String(e),
  );
  const spent = (await spentToday(ctx.sql, teamId)).get(member) ?? 0;
  const pool = await poolRow(ctx, teamId);
  report.check(
    "a member's 6-credit hold counts against a daily limit of 10 (a spend of 5 refused, 6 used); settled at 2, the spend of 5 fits",
    whileHeld === "refused (6 used)" &&
      afterSettle === "accepted" &&
      spent === 7 &&
      pool.held === 0 &&
      pool.balance === 993,
    `while held: ${whileHeld}; after settle: ${afterSettle}; spent ${spent}, pool ${pool.balance} held ${pool.held}`,
  );
}

/** Someone not in the team spends nothing from it, and learns nothing (NOT_FOUND, as for a team that does not exist). */
async function checkOutsider(ctx: BenchContext, db: Db, report: CaseReport, teamId: string): Promise<void> {
  const outsider = await fundedUser(ctx, "outsider", 1_000);
  const before = await poolRow(ctx, teamId);
  const outcome = await spend(db, {
    userId: outsider,
    teamId,
    amount: 1,
    refType: CHAT_REF_TYPE,
    refId: `outsider:${outsider}`,
  }).then(
    () => "accepted",
    (e: unknown) => (e instanceof TeamNotFoundError ? "NOT_FOUND" : String(e)),
  );
  const after = await poolRow(ctx, teamId);
  report.check(
    "a non-member's spend from the pool: NOT_FOUND, nothing written",
    outcome === "NOT_FOUND" && after.balance === before.balance && after.rows === before.rows,
    `${outcome}; pool ${before.balance} → ${after.balance}, rows ${before.rows} → ${after.rows}`,
  );
}

export const poolSpend: BenchCase = {
  id: "3c",
  title: "Team pool spend",
  async run(ctx, report) {
    const handle = createDbHandle({ databaseUrl: ctx.database.url, poolSize: CONNECTIONS });
    try {
      const db = handle.db;
      const prefix = `pool${randomUUID().slice(0, 8)}`;
      const single = await fundedUser(ctx, "pool-single", START_BALANCE);
      const loose = await seedTeam(ctx.sql, db, {
        prefix: `${prefix}l`,
        members: MEMBERS,
        credits: START_BALANCE,
        limits: LOOSE_LIMITS,
      });
      // The binding variant gets a fresh team for every run (the warm-up too), so each run starts below every limit.
      const tightRuns = ctx.opts.runs + 1;
      const tight: SeededTeam[] = [];
      for (let i = 0; i < tightRuns; i++)
        tight.push(
          await seedTeam(ctx.sql, db, {
            prefix: `${prefix}t${i}`,
            members: MEMBERS,
            credits: START_BALANCE,
            limits: { day: 2, week: null, month: null },
          }),
        );
      const startDay = new Date().toISOString().slice(0, 10);

      let run = 0;
      let tightRun = -1;
      const singleCounts = { accepted: 0, refused: 0 };
      const looseCounts = { accepted: 0, refused: 0 };
      const tightCounts = { accepted: 0, refused: 0 };
      const refusedMembers = new Map<string, Set<string>>();
      const ref = (side: string, caller: number, n: number) => `${prefix}:${side}:${run}:${caller}:${n}`;
      const singleLoop = callers(
        "single",
        (caller, n) =>
          spend(db, { userId: single, amount: 1, refType: CHAT_REF_TYPE, refId: ref("s", caller, n) }).then(
            () => undefined,
          ),
        singleCounts,
      );
      const looseLoop = callers(
        "pool",
        (caller, n) =>
          spend(db, {
            userId: loose.memberIds[caller]!,
            teamId: loose.teamId,
            amount: 1,
            refType: CHAT_REF_TYPE,
            refId: ref("p", caller, n),
          }).then(() => undefined),
        looseCounts,
      );
      const tightLoop = callers(
        "pool, limits bind",
        (caller, n) => {
          const team = tight[tightRun]!;
          return spend(db, {
            userId: team.memberIds[caller]!,
            teamId: team.teamId,
            amount: 1,
            refType: CHAT_REF_TYPE,
            refId: ref("t", caller, n),
          }).then(() => undefined);
        },
        tightCounts,
        (caller) => {
          const team = tight[tightRun]!;
          const refused = refusedMembers.get(team.teamId) ?? new Set<string>();
          refusedMembers.set(team.teamId, refused.add(team.memberIds[caller]!));
        },
      );
      // Fresh refs for every run, or repeated spends would be idempotent no-ops.
      let singleBefore = 0;
      let singleLastRun = 0;
      const tightLimits: number[] = [];
      const items = [singleLoop, looseLoop, tightLoop].map((item) => ({
        name: item.name,
        run: async (d: number) => {
          run++;
          if (item === tightLoop) {
            tightRun++;
            const limit = bindingLimit(singleLastRun);
            tightLimits.push(limit);
            await ctx.sql.query(`UPDATE "TeamMember" SET "dailyLimit" = $2 WHERE "teamId" = $1`, [
              tight[tightRun]!.teamId,
              limit,
            ]);
          }
          const stats = await item.run(d);
          if (item === singleLoop) {
            singleLastRun = singleCounts.accepted - singleBefore;
            singleBefore = singleCounts.accepted;
          }
          return stats;
        },
      }));
      const m = await measureInterleaved(items, {
        runs: ctx.opts.runs,
        durationSec: ctx.opts.durationSec,
        warmupSec: ctx.opts.quick ? 0.3 : 1,
      });
      for (const [name, s] of m) report.check(`${name}: no failed calls`, s.failures === 0, `${s.failures} failed`);

      // No lost updates on either side: every acknowledged spend is one ledger row and one credit off the balance.
      const singleRows = await ctx.sql.query<{ n: string; balance: number }>(
        `SELECT COUNT(*) AS n, (SELECT balance FROM "User" WHERE id = $1) AS balance FROM "CreditLedger" WHERE "userId" = $1 AND amount < 0`,
        [single],
      );
      report.check(
        `one account: ${singleCounts.accepted.toLocaleString("en-US")} spends, as many rows, balance == start − spends`,
        Number(singleRows.rows[0]!.n) === singleCounts.accepted &&
          Number(singleRows.rows[0]!.balance) === START_BALANCE - singleCounts.accepted,
        `${singleRows.rows[0]!.n} rows, balance ${singleRows.rows[0]!.balance}`,
      );
      const userMismatches = await balanceMismatches(ctx.sql, [single]);
      report.check("one account: balance == sum(ledger)", userMismatches.length === 0, userMismatches.join("; "));
      const loosePool = await poolRow(ctx, loose.teamId);
      report.check(
        `pool: ${looseCounts.accepted.toLocaleString("en-US")} spends by ${MEMBERS} members, as many rows, balance == start − spends`,
        loosePool.rows === looseCounts.accepted + 1 && loosePool.balance === START_BALANCE - looseCounts.accepted,
        `${loosePool.rows - 1} spend rows, balance ${loosePool.balance}`,
      );
      report.check(
        "pool: no limit refused (they do not bind)",
        looseCounts.refused === 0,
        `${looseCounts.refused} refused`,
      );

      const teamIds = [loose.teamId, ...tight.map((t) => t.teamId)];
      const pools = [...(await poolMismatches(ctx.sql, teamIds)), ...(await overdrawnPools(ctx.sql, teamIds))];
      report.check(
        "every pool: balance == Σ pool ledger, held == Σ active holds, never negative",
        pools.length === 0,
        pools.slice(0, 3).join("; "),
      );
      const overruns = await limitOverruns(ctx.sql, teamIds);
      report.check(
        "no member over any limit (each day, week, month)",
        overruns.length === 0,
        overruns.slice(0, 3).map(describeOverrun).join("; "),
      );
      const totals = await memberTotalMismatches(ctx.sql, teamIds);
      report.check(
        "every member's running totals (what the gate checks) == their pool rows and holds",
        totals.length === 0,
        totals.slice(0, 3).join("; "),
      );

      // With 1-credit spends a refusal is right only at the limit: every member refused spent exactly their limit.
      report.check(
        "limits bound: some spends refused by a member limit",
        tightCounts.refused > 0,
        `${tightCounts.refused} refused`,
      );
      if (new Date().toISOString().slice(0, 10) === startDay) {
        const early: string[] = [];
        for (const [teamId, members] of refusedMembers) {
          const spent = await spentToday(ctx.sql, teamId);
          const limit = tightLimits[tight.findIndex((t) => t.teamId === teamId)];
          for (const userId of members)
            if (spent.get(userId) !== limit) early.push(`${userId} refused at ${spent.get(userId) ?? 0} of ${limit}`);
        }
        report.check(
          "limits bound: every member refused had spent exactly their limit (no refusal below it)",
          early.length === 0,
          early.slice(0, 3).join("; "),
        );
      } else
        report.note(
          "the run crossed midnight UTC: the daily limits restarted, so 'refused only at the limit' was not judged",
        );

      await checkPoolRace(ctx, db, report);
      await checkLimitRace(ctx, db, report);
      await checkHoldsCount(ctx, db, report);
      await checkOutsider(ctx, db, report, loose.teamId);

      const singleS = m.get("single")!;
      const looseS = m.get("pool")!;
      const tightS = m.get("pool, limits bind")!;
      const line = (s: LoadStats, unit: string) =>
        `${fmt.rate(s.reqPerSec, unit)} · p50 ${fmt.ms(s.p50)} · p99 ${fmt.ms(s.p99)}`;
      const ratio = looseS.reqPerSec / singleS.reqPerSec;
      const tightRatio = tightS.reqPerSec / singleS.reqPerSec;
      report.row(`spend(teamId), ${MEMBERS} members on one pool, limits that do not bind`, line(looseS, "spends/s"), {
        ratio: `${fmt.ratio(ratio)} of one account`,
        target: "≥ 0.80× one account",
        result: atLeast(ratio, 0.8, "see notes").text,
      });
      report.row(
        `spend(teamId), ${MEMBERS} members on one pool, daily limits bind mid-run`,
        line(tightS, "decisions/s"),
        {
          ratio: `${fmt.ratio(tightRatio)} of one account`,
          target: "≥ 0.80× one account",
          result: atLeast(tightRatio, 0.8, "see notes").text,
        },
      );
      report.row(`spend(), ${MEMBERS} callers on one personal account (reference)`, line(singleS, "spends/s"));
      report.note(
        `both sides run ${MEMBERS} concurrent callers over one client of ${CONNECTIONS} connections, 1 credit a spend, interleaved in the same run; the pool side is the same one-statement spend as a personal account's (src/server/credits/one-statement-write.ts), locking the Team row instead of the User row and adding, under that lock, the gate of src/server/credits/pool-gate.ts: it locks the member's TeamMember row (its newest version decides membership and limits) and, for a member with a limit (every member here has one), checks the running totals kept there (spend in the current UTC day, ISO week and month, and active holds: src/server/credits/member-limits.ts) and moves them in the same statement`,
      );
      report.note(
        `limits bind: a fresh team per run, every member's daily limit set to half of what a member would spend at the single-account rate of the run before (${tightLimits.join(", ")} credits), so members reach it about halfway and the rest of their calls are refusals (MemberLimitExceededError: PAYMENT_REQUIRED naming the limit); the rate counts spends and refusals alike (${tightCounts.accepted.toLocaleString("en-US")} spends, ${tightCounts.refused.toLocaleString("en-US")} refusals in all runs)`,
      );
    } finally {
      await handle.close();
    }
  },
};
