/**
 * The gate of a spend or reserve from a team pool, as CTEs of the same one statement that locks the
 * pool (the Team row) and writes: the spender must be a member, and the amount must fit each of their
 * limits (member-limits.ts). So 100 members spending one pool can never exceed a limit: every such
 * write is decided under the one Team row lock.
 *
 * One subtlety makes the gate exact. A statement reads with the snapshot taken when it started, before
 * it waited for the Team lock: the member's spends committed during that wait are invisible to its sums.
 * Every pool spend and reserve of a member with a limit therefore also writes their TeamMember row (a
 * no-op update: a new row version), and the gate compares the version it locked with the one its snapshot saw. They differ
 * only when the same member wrote meanwhile (or an admin changed the row): the statement then writes
 * nothing and answers "stale", and the caller runs it again after taking the Team lock first, with a
 * snapshot that sees everything (runGated). Members spending in parallel with themselves are rare, so
 * the common write stays one round trip.
 */
import { Prisma } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";
import { inTransaction } from "~/server/database/transaction";
import { TeamNotFoundError } from "~/server/teams/errors";

import { InsufficientCreditsError, MemberLimitExceededError } from "./errors";
import { limitRefusesSql, limitsFrom, memberUseSql, periodStarts, periodUseFrom, refusingLimit } from "./member-limits";

export interface PoolGate {
  teamId: string;
  userId: string;
  /** What the write takes from the pool. */
  amount: number;
  /** The Team row lock was taken by an earlier statement of this transaction: the snapshot sees everything. */
  lockedFirst: boolean;
  now?: Date;
}

/** The gate's one row, as selected from the CTE pool_gate. */
export interface PoolGateRow {
  notMember: boolean;
  stale: boolean;
  limitRefused: boolean;
  dailyLimit: number | null;
  weeklyLimit: number | null;
  monthlyLimit: number | null;
  usedDay: bigint | number;
  usedWeek: bigint | number;
  usedMonth: bigint | number;
}

/**
 * CTEs to put after the CTE `lockedCte` (which locks the Team row), each as `, name AS (…)`:
 * pool_seen (the member row in the statement's snapshot), pool_locked (its latest version, locked after
 * the Team row: only for a member with a limit), pool_member (the one that decides), pool_use
 * (member-limits.ts, read only when a limit is set) and pool_gate (one row: PoolGateRow).
 */
export function poolGateSql(lockedCte: string, gate: PoolGate): Prisma.Sql {
  const { teamId, userId, amount } = gate;
  const starts = periodStarts(gate.now);
  // Only the periods with a limit need counting: the scan starts at the earliest of those.
  const since = Prisma.sql`(SELECT LEAST(CASE WHEN "dailyLimit" IS NOT NULL THEN ${starts.day}::timestamp END,
    CASE WHEN "weeklyLimit" IS NOT NULL THEN ${starts.week}::timestamp END,
    CASE WHEN "monthlyLimit" IS NOT NULL THEN ${starts.month}::timestamp END) FROM pool_member)`;
  const hasLimit = Prisma.sql`EXISTS (SELECT 1 FROM pool_member
    WHERE "dailyLimit" IS NOT NULL OR "weeklyLimit" IS NOT NULL OR "monthlyLimit" IS NOT NULL)`;
  const limited = (row: string) =>
    Prisma.sql`(${Prisma.raw(row)}."dailyLimit" IS NOT NULL OR ${Prisma.raw(row)}."weeklyLimit" IS NOT NULL
      OR ${Prisma.raw(row)}."monthlyLimit" IS NOT NULL)`;
  // Only a member with a limit needs the exact sums, so only their row is locked (its latest version)
  // and compared with the snapshot's. Without one, the snapshot's row decides membership: a removal
  // or a new limit committed while this statement waited for the Team lock orders after it. After
  // lockedFirst the snapshot already sees everything, so nothing is locked.
  const lockMember = gate.lockedFirst ? Prisma.sql`false` : limited("s");
  return Prisma.sql`
    , pool_seen AS (
      SELECT tm."dailyLimit", tm."weeklyLimit", tm."monthlyLimit", tm.xmin::text AS version
        FROM "TeamMember" tm WHERE tm."teamId" = ${teamId} AND tm."userId" = ${userId}
    ), pool_locked AS (
      SELECT tm."dailyLimit", tm."weeklyLimit", tm."monthlyLimit", tm.xmin::text AS version
        FROM ${Prisma.raw(lockedCte)} locked, pool_seen s, "TeamMember" tm
       WHERE tm."teamId" = ${teamId} AND tm."userId" = ${userId} AND ${lockMember}
         FOR NO KEY UPDATE OF tm
    ), pool_member AS (
      SELECT * FROM pool_locked
      UNION ALL
      SELECT s.* FROM ${Prisma.raw(lockedCte)} locked, pool_seen s WHERE NOT ${lockMember}
    ), pool_use AS (${memberUseSql(teamId, userId, starts, { when: hasLimit, since })}
    ), pool_gate AS (
      SELECT pm."dailyLimit", pm."weeklyLimit", pm."monthlyLimit", u."usedDay", u."usedWeek", u."usedMonth",
             pm.version IS NULL AS "notMember",
             COALESCE(pm.version IS DISTINCT FROM (SELECT version FROM pool_seen), false) AS stale,
             COALESCE(${limitRefusesSql(amount)}, false) AS "limitRefused"
        FROM pool_use u LEFT JOIN pool_member pm ON true
    )`;
}

/**
 * A CTE that writes a new row version of the member's TeamMember row with each row of `writtenCte`
 * (see above), only while the member has a limit: without one no write needs the exact sums. A limit
 * being set meanwhile is no gap: setting one takes the Team lock too (teams/members.ts), so it lands
 * between two pool writes, and the next one locks the new row version and sees it differ (stale).
 */
export function bumpMemberSql(writtenCte: string): Prisma.Sql {
  return Prisma.sql`
    , pool_member_bumped AS (
      UPDATE "TeamMember" tm SET role = tm.role
        FROM ${Prisma.raw(writtenCte)} w, pool_gate g
       WHERE tm."teamId" = w."teamId" AND tm."userId" = w."userId"
         AND (g."dailyLimit" IS NOT NULL OR g."weeklyLimit" IS NOT NULL OR g."monthlyLimit" IS NOT NULL)
    )`;
}

/**
 * The refusal a gate row means for taking `amount` from a pool with these locked numbers: not a member
 * (TeamNotFoundError, like a team that does not exist), a member limit (the tightest), or the pool too low.
 */
export function poolRefusal(
  gate: PoolGate,
  row: PoolGateRow,
  pool: { balance: number; heldCredits: number },
): Error | null {
  if (row.notMember) return new TeamNotFoundError(gate.teamId);
  const spendable = Math.max(pool.balance - pool.heldCredits, 0);
  const limit = row.limitRefused ? refusingLimit(limitsFrom(row), periodUseFrom(row), gate.amount) : null;
  if (limit) {
    return new MemberLimitExceededError(
      gate.amount,
      Math.min(spendable, limit.remaining),
      pool.heldCredits,
      pool.balance,
      gate.teamId,
      limit.period,
      limit.limit,
      limit.used,
    );
  }
  if (spendable < gate.amount)
    return new InsufficientCreditsError(gate.amount, spendable, pool.heldCredits, pool.balance, gate.teamId);
  return null;
}

export const STALE = Symbol("stale");

/**
 * Runs a gated pool statement; when it answers STALE, runs it again in a transaction that locks the
 * Team row first (joining `db` when it is one).
 */
export async function runGated<T>(
  db: DbOrTx,
  teamId: string,
  run: (db: DbOrTx, lockedFirst: boolean) => Promise<T | typeof STALE>,
): Promise<T> {
  const first = await run(db, false);
  if (first !== STALE) return first;
  return inTransaction(db, async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
    const again = await run(tx, true);
    if (again === STALE) throw new Error("pool write stale under the Team lock");
    return again;
  });
}
