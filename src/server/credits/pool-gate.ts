/**
 * The gate of a spend or reserve from a team pool, as CTEs of the same one statement that locks the
 * pool (the Team row) and writes: the spender must be a member, and the amount must fit each of their
 * limits (member-limits.ts). So 100 members spending one pool can never exceed a limit: every such
 * write is decided under the one Team row lock.
 *
 * The gate locks the member's TeamMember row after the Team row (the one lock order). A locking read
 * sees the row's newest version, not the statement's snapshot (taken before it waited for the Team
 * lock): a member removed, a limit set or the member's own racing spend committed meanwhile all decide.
 */
import { Prisma } from "~/generated/prisma/client";
import { TeamNotFoundError } from "~/server/teams/errors";

import { InsufficientCreditsError, MemberLimitExceededError } from "./errors";
import { limitRefusesSql, limitsFrom, periodUseFrom, refusingLimit, usedSql } from "./member-limits";

export interface PoolGate {
  teamId: string;
  userId: string;
  /** What the write takes from the pool. */
  amount: number;
}

/** The gate's one row, as selected from the CTE pool_gate. */
export interface PoolGateRow {
  notMember: boolean;
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
 * pool_member (the member's row, locked: no row when not a member) and pool_gate (one row: PoolGateRow).
 */
export function poolGateSql(lockedCte: string, gate: PoolGate): Prisma.Sql {
  const { teamId, userId, amount } = gate;
  const locked = Prisma.raw(lockedCte);
  return Prisma.sql`
    , pool_member AS (
      SELECT tm."dailyLimit", tm."weeklyLimit", tm."monthlyLimit", ${usedSql("tm")}
        FROM ${locked} locked, "TeamMember" tm
       WHERE tm."teamId" = ${teamId} AND tm."userId" = ${userId}
         FOR NO KEY UPDATE OF tm
    ), pool_gate AS (
      SELECT pm.*, NOT EXISTS (SELECT 1 FROM pool_member) AS "notMember",
             COALESCE(${limitRefusesSql(amount)}, false) AS "limitRefused"
        FROM ${locked} locked LEFT JOIN pool_member pm ON true
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
