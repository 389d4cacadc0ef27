import { expect } from "vitest";

import type { TeamRole } from "~/generated/prisma/client";
import { grant } from "~/server/credits";
import type { Db } from "~/server/db";

import { memberTotalMismatches, type Sql } from "../../bench/lib/pool-checks";
import { createUser } from "../helpers/users";

/** A team whose owner is a fresh user, its pool granted `balance` (as a purchase by the owner). */
export async function createTeam(db: Db, balance = 0): Promise<{ id: string; ownerId: string }> {
  const owner = await createUser(db);
  const team = await db.team.create({
    data: { name: "Pool", members: { create: { userId: owner.id, role: "owner" } } },
  });
  if (balance > 0)
    await grant(db, {
      userId: owner.id,
      teamId: team.id,
      amount: balance,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${team.id}`,
    });
  return { id: team.id, ownerId: owner.id };
}

/** A fresh user in the team with these limits. */
export async function addMember(
  db: Db,
  teamId: string,
  limits: { dailyLimit?: number; weeklyLimit?: number; monthlyLimit?: number } = {},
  role: TeamRole = "member",
): Promise<string> {
  const u = await createUser(db);
  await db.teamMember.create({ data: { teamId, userId: u.id, role, ...limits } });
  return u.id;
}

/** The checks of bench/lib/pool-checks.ts over a Prisma client. */
export function sqlOf(db: Db): Sql {
  return {
    query: async <R>(text: string, values: unknown[] = []) => ({
      rows: await db.$queryRawUnsafe<R[]>(text, ...values),
    }),
  };
}

/**
 * Team.balance == Σ its ledger, Team.heldCredits == Σ its active holds, and every member with a limit
 * has running totals equal to their pool rows and holds.
 */
export async function expectPoolConsistent(db: Db, teamId: string): Promise<{ balance: number; held: number }> {
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId } });
  const sum = await db.creditLedger.aggregate({ where: { teamId }, _sum: { amount: true } });
  const held = await db.creditHold.aggregate({ where: { teamId, status: "active" }, _sum: { amount: true } });
  expect(team.balance).toBe(sum._sum.amount ?? 0);
  expect(team.heldCredits).toBe(held._sum.amount ?? 0);
  expect(await memberTotalMismatches(sqlOf(db), [teamId])).toEqual([]);
  return { balance: team.balance, held: team.heldCredits };
}
