/**
 * A team member's limits on a pool: what counts against them is the member's chat spend from the pool
 * since each period's start (UTC day, ISO week from Monday, calendar month) plus their active holds on
 * the pool. While a member has a limit, these are running totals on their TeamMember row, moved by
 * every counted write in the write's own statement (pool spends and holds: pool-write.ts, holds.ts)
 * under the pool's lock, so the gate (pool-gate.ts) checks them in O(1). The totals belong to the
 * periods containing `usageDay`; a period that has rolled over since counts as zero. Setting a limit
 * recounts them from the ledger (recountMemberUse), so a member without one costs no row write.
 * Periods follow the database clock, the one that dates the ledger rows.
 */
import { Prisma } from "~/generated/prisma/client";
import { LIMIT_PERIODS, type LimitPeriod, type MemberLimits } from "~/lib/teams";
import type { DbOrTx } from "~/server/database/transaction";

const UTC_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;
const TODAY = Prisma.sql`${UTC_NOW}::date`;
const START = {
  day: TODAY,
  week: Prisma.sql`date_trunc('week', ${UTC_NOW})::date`,
  month: Prisma.sql`date_trunc('month', ${UTC_NOW})::date`,
} satisfies Record<LimitPeriod, Prisma.Sql>;

/** Counted against each period's limit: spent in the period plus everything held now. */
export type PeriodUse = Record<LimitPeriod, number>;

/** One member limit in force: the period's limit, what counted against it (spent + held) and the rest (never negative). */
export interface LimitUse {
  period: LimitPeriod;
  limit: number;
  used: number;
  remaining: number;
}

/** Whether the TeamMember row `alias` has any limit (its totals are kept). */
function limitedSql(alias: string): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(${a}."dailyLimit" IS NOT NULL OR ${a}."weeklyLimit" IS NOT NULL OR ${a}."monthlyLimit" IS NOT NULL)`;
}

/** A period's running total on the row `a` now: zero once the period holding its usageDay has ended. */
function spentNow(a: Prisma.Sql, period: LimitPeriod, column: string): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${a}."usageDay" >= ${START[period]} THEN ${a}.${Prisma.raw(`"${column}"`)} ELSE 0 END`;
}

const SPENT_COLUMN = { day: "spentDay", week: "spentWeek", month: "spentMonth" } satisfies Record<LimitPeriod, string>;

/** Select-list columns "usedDay", "usedWeek", "usedMonth" of the TeamMember row `alias`: its counted use now. */
export function usedSql(alias: string): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`${spentNow(a, "day", SPENT_COLUMN.day)} + ${a}."heldCredits" AS "usedDay",
    ${spentNow(a, "week", SPENT_COLUMN.week)} + ${a}."heldCredits" AS "usedWeek",
    ${spentNow(a, "month", SPENT_COLUMN.month)} + ${a}."heldCredits" AS "usedMonth"`;
}

/**
 * A data-modifying CTE `, name AS (…)` that counts, for each row of `source` (columns "teamId",
 * "userId", spent, held), `spent` into the member's period totals and `held` into their held credits,
 * only while the member has a limit. The caller's statement must have locked the Team row first (the
 * one lock order: Team, then TeamMember); the UPDATE then works on the row's newest version.
 */
export function countMemberUseSql(
  name: string,
  source: Prisma.Sql,
  member?: { teamId: string; userId: string },
): Prisma.Sql {
  const tm = Prisma.raw("tm");
  // With the member known, the row is found by its key, not by a join.
  const key = member
    ? Prisma.sql`tm."teamId" = ${member.teamId} AND tm."userId" = ${member.userId} AND `
    : Prisma.empty;
  return Prisma.sql`
    , ${Prisma.raw(name)} AS (
      UPDATE "TeamMember" tm
         SET "usageDay" = GREATEST(tm."usageDay", ${TODAY}),
             "spentDay" = ${spentNow(tm, "day", SPENT_COLUMN.day)} + u.spent,
             "spentWeek" = ${spentNow(tm, "week", SPENT_COLUMN.week)} + u.spent,
             "spentMonth" = ${spentNow(tm, "month", SPENT_COLUMN.month)} + u.spent,
             "heldCredits" = tm."heldCredits" + u.held
        FROM ${source} u
       WHERE ${key}tm."teamId" = u."teamId" AND tm."userId" = u."userId" AND ${limitedSql("tm")}
    )`;
}

/**
 * Sets the member's totals from the ledger and their active holds (under the Team lock: membership
 * changes hold it). Run whenever a limit is set: while a member had none, nothing kept them.
 */
export async function recountMemberUse(db: DbOrTx, teamId: string, userId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "TeamMember" tm
       SET "usageDay" = ${TODAY}, "spentDay" = s.day, "spentWeek" = s.week, "spentMonth" = s.month,
           "heldCredits" = (SELECT COALESCE(SUM(h.amount), 0) FROM "CreditHold" h
                             WHERE h."teamId" = ${teamId} AND h."userId" = ${userId} AND h.status = 'active'::"HoldStatus")
      FROM (SELECT COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${START.day}), 0) AS day,
                   COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${START.week}), 0) AS week,
                   COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${START.month}), 0) AS month
              FROM "CreditLedger" l
             WHERE l."teamId" = ${teamId} AND l."userId" = ${userId} AND l.reason = 'chat_usage'::"LedgerReason"
               AND l.amount < 0 AND l."createdAt" >= LEAST(${START.week}, ${START.month})) s
     WHERE tm."teamId" = ${teamId} AND tm."userId" = ${userId}`;
}

/** The member's limits as columns of a TeamMember row are named. */
export function limitsFrom(row: {
  dailyLimit: number | null;
  weeklyLimit: number | null;
  monthlyLimit: number | null;
}): MemberLimits {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return { day: n(row.dailyLimit), week: n(row.weeklyLimit), month: n(row.monthlyLimit) };
}

export function periodUseFrom(row: { usedDay: unknown; usedWeek: unknown; usedMonth: unknown }): PeriodUse {
  return { day: Number(row.usedDay), week: Number(row.usedWeek), month: Number(row.usedMonth) };
}

/** One entry per limit set, in period order (day, week, month). */
export function limitUses(limits: MemberLimits, used: PeriodUse): LimitUse[] {
  return LIMIT_PERIODS.flatMap((period) => {
    const limit = limits[period];
    if (limit === null) return [];
    return [{ period, limit, used: used[period], remaining: Math.max(limit - used[period], 0) }];
  });
}

/**
 * The limit that refuses `amount` (used + amount > limit), the tightest (least remaining; the shorter
 * period on a tie) when several do; null when every limit fits it.
 */
export function refusingLimit(limits: MemberLimits, used: PeriodUse, amount: number): LimitUse | null {
  let tightest: LimitUse | null = null;
  for (const use of limitUses(limits, used)) {
    if (use.used + amount <= use.limit) continue;
    if (!tightest || use.remaining < tightest.remaining) tightest = use;
  }
  return tightest;
}

/** SQL twin of refusingLimit's "some limit refuses", over columns of the member row and usedSql's. */
export function limitRefusesSql(amount: number): Prisma.Sql {
  return Prisma.sql`(("dailyLimit" IS NOT NULL AND "usedDay" + ${amount}::int > "dailyLimit")
    OR ("weeklyLimit" IS NOT NULL AND "usedWeek" + ${amount}::int > "weeklyLimit")
    OR ("monthlyLimit" IS NOT NULL AND "usedMonth" + ${amount}::int > "monthlyLimit"))`;
}

type UseRow = { dailyLimit: number | null; weeklyLimit: number | null; monthlyLimit: number | null } & Record<
  "usedDay" | "usedWeek" | "usedMonth",
  number
>;

/**
 * What counts against member `userId`'s limits on `teamId` now (spent in each period + their active
 * holds on the pool), one entry per limit set. Empty when no limit is set or they are not a member.
 */
export async function memberLimitUse(db: DbOrTx, teamId: string, userId: string): Promise<LimitUse[]> {
  const [row] = await db.$queryRaw<UseRow[]>`
    SELECT tm."dailyLimit", tm."weeklyLimit", tm."monthlyLimit", ${usedSql("tm")}
      FROM "TeamMember" tm WHERE tm."teamId" = ${teamId} AND tm."userId" = ${userId}`;
  return row ? limitUses(limitsFrom(row), periodUseFrom(row)) : [];
}

/**
 * Every member of `teamId` in one statement (the member list): userId → what counts against their
 * limits now (meaningful for the limits they have) and their chat spend from the pool this month.
 */
export async function teamMemberUses(
  db: DbOrTx,
  teamId: string,
): Promise<Map<string, { use: PeriodUse; spentThisMonth: number }>> {
  const rows = await db.$queryRaw<(UseRow & { userId: string; spentThisMonth: bigint })[]>`
    SELECT tm."userId", tm."dailyLimit", tm."weeklyLimit", tm."monthlyLimit", ${usedSql("tm")},
           COALESCE(s.spent, 0) AS "spentThisMonth"
      FROM "TeamMember" tm
      LEFT JOIN (SELECT l."userId", SUM(-l.amount) AS spent FROM "CreditLedger" l
                  WHERE l."teamId" = ${teamId} AND l.reason = 'chat_usage'::"LedgerReason" AND l.amount < 0
                    AND l."createdAt" >= ${START.month}
                  GROUP BY l."userId") s ON s."userId" = tm."userId"
     WHERE tm."teamId" = ${teamId}`;
  return new Map(
    rows.map((row) => [row.userId, { use: periodUseFrom(row), spentThisMonth: Number(row.spentThisMonth) }]),
  );
}
