/**
 * Team pools' limits and overdraft, in plain SQL (the bench's pool case and the load run's team scenario;
 * a pool's sums are ledger-checks.ts's poolMismatches; tests/load/invariants.ts uses both): each returns what is wrong; empty means it holds.
 */
import type pg from "pg";

type Sql = Pick<pg.Pool, "query">;

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
