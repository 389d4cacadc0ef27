/**
 * A team member's limits on a pool: what counts against them is the member's chat spend from the pool
 * since each period's start (UTC day, ISO week from Monday, calendar month) plus their active holds on
 * the pool. The SQL here runs inside the pool's one-statement writes (pool-gate.ts), under the Team row
 * lock, and in memberLimitUse for reading.
 */
import { Prisma } from "~/generated/prisma/client";
import { LIMIT_PERIODS, type LimitPeriod, type MemberLimits } from "~/lib/teams";
import type { DbOrTx } from "~/server/database/transaction";

export type PeriodStarts = Record<LimitPeriod, Date>;

/** Each period's first instant (UTC) at `now`: the day, the ISO week (Monday, like date_trunc('week')), the month. */
export function periodStarts(now: Date = new Date()): PeriodStarts {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return {
    day: new Date(day),
    week: new Date(day - sinceMonday * 86_400_000),
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  };
}

/** Counted against each period's limit: spent in the period plus everything held now. */
export type PeriodUse = Record<LimitPeriod, number>;

/** One member limit in force: the period's limit, what counted against it (spent + held) and the rest (never negative). */
export interface LimitUse {
  period: LimitPeriod;
  limit: number;
  used: number;
  remaining: number;
}

/**
 * A SELECT yielding one row ("usedDay", "usedWeek", "usedMonth"): the member's counted use per period.
 * `when` gates the scans (e.g. only when the member has a limit): false yields zeros without reading.
 * `since` bounds the ledger scan (default: the earliest period start); a period starting before it
 * counts only the rows since then, so pass the earliest start of the periods that matter.
 */
export function memberUseSql(
  teamId: string,
  userId: string,
  starts: PeriodStarts,
  { when = Prisma.sql`true`, since }: { when?: Prisma.Sql; since?: Prisma.Sql } = {},
): Prisma.Sql {
  const earliest = since ?? Prisma.sql`${starts.week < starts.month ? starts.week : starts.month}`;
  return Prisma.sql`
    SELECT s.day + h.held AS "usedDay", s.week + h.held AS "usedWeek", s.month + h.held AS "usedMonth"
      FROM (SELECT COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${starts.day}), 0) AS day,
                   COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${starts.week}), 0) AS week,
                   COALESCE(SUM(-l.amount) FILTER (WHERE l."createdAt" >= ${starts.month}), 0) AS month
              FROM "CreditLedger" l
             WHERE l."teamId" = ${teamId} AND l."userId" = ${userId} AND l.reason = 'chat_usage'::"LedgerReason"
               AND l.amount < 0 AND l."createdAt" >= ${earliest} AND ${when}) s,
           (SELECT COALESCE(SUM(h.amount), 0) AS held
              FROM "CreditHold" h
             WHERE h."teamId" = ${teamId} AND h."userId" = ${userId} AND h.status = 'active'::"HoldStatus"
               AND ${when}) h`;
}

/** The member's limits as columns of a TeamMember row `tm` are named. */
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

/** SQL twin of refusingLimit's "some limit refuses", over columns of the member row and the use row. */
export function limitRefusesSql(amount: number): Prisma.Sql {
  return Prisma.sql`(("dailyLimit" IS NOT NULL AND "usedDay" + ${amount}::int > "dailyLimit")
    OR ("weeklyLimit" IS NOT NULL AND "usedWeek" + ${amount}::int > "weeklyLimit")
    OR ("monthlyLimit" IS NOT NULL AND "usedMonth" + ${amount}::int > "monthlyLimit"))`;
}

/**
 * What counts against member `userId`'s limits on `teamId` now (spent in each period + their active
 * holds on the pool), one entry per limit set. Empty when no limit is set or they are not a member.
 */
export async function memberLimitUse(
  db: DbOrTx,
  teamId: string,
  userId: string,
  now: Date = new Date(),
): Promise<LimitUse[]> {
  const member = await db.teamMember.findUnique({
    where: { teamId_userId: { teamId, userId } },
    select: { dailyLimit: true, weeklyLimit: true, monthlyLimit: true },
  });
  if (!member) return [];
  const limits = limitsFrom(member);
  if (LIMIT_PERIODS.every((p) => limits[p] === null)) return [];
  const [row] = await db.$queryRaw<{ usedDay: bigint; usedWeek: bigint; usedMonth: bigint }[]>(
    memberUseSql(teamId, userId, periodStarts(now)),
  );
  return limitUses(limits, periodUseFrom(row!));
}
