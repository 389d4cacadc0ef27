/**
 * Team pools' limits and overdraft, in plain SQL (the bench's pool case and the load run's team scenario;
 * a pool's sums are ledger-checks.ts's poolMismatches; tests/load/invariants.ts uses both): each returns what is wrong; empty means it holds.
 */
import type pg from "pg";

/** A pg Pool or Client, or anything that runs parameterised SQL the same way (tests: a Prisma client). */
export interface Sql {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** Pools whose spendable credits (balance − held) are below zero: a spend or hold overdrew them. */
export async function overdrawnPools(sql: Sql, teamIds: string[]): Promise<string[]> {
  const r = await sql.query<{ id: string; spendable: number }>(
    `SELECT id, balance - "heldCredits" AS spendable FROM "Team" WHERE id = ANY($1) AND balance - "heldCredits" < 0`,
    [teamIds],
  );
  return r.rows.map((t) => `team ${t.id}: spendable ${t.spendable} < 0 (overdrawn)`);
}

export interface LimitOverrun {
  teamId: string;
  userId: string;
  period: "day" | "week" | "month";
  bucket: string;
  used: number;
  limit: number;
}

/**
 * Members who spent more from a pool in some UTC day, ISO week or calendar month than their limit
 * for it: chat spend (rows teamId = pool, userId = member, amount < 0, chat_usage) per period bucket,
 * plus their active holds on the pool in the current bucket, against the limit they have now. Valid
 * while limits were not lowered during the run (a lowered limit may leave earlier spend above it).
 */
export async function limitOverruns(sql: Sql, teamIds: string[]): Promise<LimitOverrun[]> {
  const r = await sql.query<{
    teamId: string;
    userId: string;
    period: LimitOverrun["period"];
    bucket: string;
    used: string;
    limit: number;
  }>(
    `WITH periods(period) AS (VALUES ('day'), ('week'), ('month')),
     spent AS (
       SELECT l."teamId", l."userId", p.period, date_trunc(p.period, l."createdAt") AS bucket, SUM(-l.amount) AS used
         FROM "CreditLedger" l CROSS JOIN periods p
        WHERE l."teamId" = ANY($1) AND l.amount < 0 AND l.reason = 'chat_usage'
        GROUP BY 1, 2, 3, 4
     ),
     held AS (
       SELECT h."teamId", h."userId", p.period, date_trunc(p.period, now() AT TIME ZONE 'UTC') AS bucket, SUM(h.amount) AS used
         FROM "CreditHold" h CROSS JOIN periods p
        WHERE h."teamId" = ANY($1) AND h.status = 'active'
        GROUP BY 1, 2, 3, 4
     ),
     used AS (
       SELECT "teamId", "userId", period, bucket, SUM(used) AS used
         FROM (SELECT * FROM spent UNION ALL SELECT * FROM held) u GROUP BY 1, 2, 3, 4
     )
     SELECT u."teamId", u."userId", u.period, to_char(u.bucket, 'YYYY-MM-DD') AS bucket, u.used,
            CASE u.period WHEN 'day' THEN m."dailyLimit" WHEN 'week' THEN m."weeklyLimit" ELSE m."monthlyLimit" END AS "limit"
       FROM used u JOIN "TeamMember" m ON m."teamId" = u."teamId" AND m."userId" = u."userId"
      WHERE u.used > CASE u.period WHEN 'day' THEN m."dailyLimit" WHEN 'week' THEN m."weeklyLimit" ELSE m."monthlyLimit" END`,
    [teamIds],
  );
  return r.rows.map((row) => ({
    teamId: row.teamId,
    userId: row.userId,
    period: row.period,
    bucket: row.bucket,
    used: Number(row.used),
    limit: Number(row.limit),
  }));
}

export function describeOverrun(o: LimitOverrun): string {
  return `team ${o.teamId}, member ${o.userId}: ${o.used} credits in the ${o.period} from ${o.bucket}, over the limit of ${o.limit}`;
}

/** Chat spend of each member from a pool in the current UTC day (what a daily limit counts, holds aside). */
export async function spentToday(sql: Sql, teamId: string): Promise<Map<string, number>> {
  const r = await sql.query<{ userId: string; spent: string }>(
    `SELECT "userId", SUM(-amount) AS spent FROM "CreditLedger"
      WHERE "teamId" = $1 AND amount < 0 AND reason = 'chat_usage'
        AND "createdAt" >= date_trunc('day', now() AT TIME ZONE 'UTC')
      GROUP BY "userId"`,
    [teamId],
  );
  return new Map(r.rows.map((row) => [row.userId, Number(row.spent)]));
}

/**
 * Members with a limit whose running totals (TeamMember: spent in the day, ISO week and month of
 * usageDay, and held) differ from what their pool rows and active holds add up to: the totals the
 * gate checks must be the ledger's.
 */
export async function memberTotalMismatches(sql: Sql, teamIds: string[]): Promise<string[]> {
  const r = await sql.query<{ teamId: string; userId: string; kept: string; counted: string }>(
    `SELECT m."teamId", m."userId",
            concat_ws('/', m."spentDay", m."spentWeek", m."spentMonth", m."heldCredits") AS kept,
            concat_ws('/', COALESCE(s.day, 0), COALESCE(s.week, 0), COALESCE(s.month, 0), COALESCE(h.held, 0)) AS counted
       FROM "TeamMember" m
       LEFT JOIN LATERAL (
         SELECT SUM(-l.amount) FILTER (WHERE l."createdAt"::date = m."usageDay") AS day,
                SUM(-l.amount) FILTER (WHERE date_trunc('week', l."createdAt") = date_trunc('week', m."usageDay")) AS week,
                SUM(-l.amount) FILTER (WHERE date_trunc('month', l."createdAt") = date_trunc('month', m."usageDay")) AS month
           FROM "CreditLedger" l
          WHERE l."teamId" = m."teamId" AND l."userId" = m."userId" AND l.reason = 'chat_usage' AND l.amount < 0
       ) s ON true
       LEFT JOIN LATERAL (
         SELECT SUM(h.amount) AS held FROM "CreditHold" h
          WHERE h."teamId" = m."teamId" AND h."userId" = m."userId" AND h.status = 'active'
       ) h ON true
      WHERE m."teamId" = ANY($1)
        AND (m."dailyLimit" IS NOT NULL OR m."weeklyLimit" IS NOT NULL OR m."monthlyLimit" IS NOT NULL)`,
    [teamIds],
  );
  return r.rows
    .filter((row) => row.kept !== row.counted)
    .map(
      (row) =>
        `team ${row.teamId}, member ${row.userId}: totals day/week/month/held ${row.kept}, ledger ${row.counted}`,
    );
}
