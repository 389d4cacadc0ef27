/**
 * Teams for the team billing and report suites, written straight to the database (the membership
 * rules are tested in tests/teams/), plus the pool's checks: balance == Σ ledger for every pool
 * and every personal account, and a snapshot that also sees pools and their audit log.
 */
import type { TeamRole } from "~/generated/prisma/client";
import type { Db } from "~/server/db";

import { snapshot } from "../helpers/db-snapshot";
import { createUser } from "../helpers/users";

export interface TeamFixture {
  id: string;
  owner: { id: string };
  admin: { id: string };
  member: { id: string };
  outsider: { id: string };
}

/** A team with an owner, an admin and a member (each named), and a user outside it. */
export async function createTeam(db: Db, name = "Team"): Promise<TeamFixture> {
  const [owner, admin, member, outsider] = await Promise.all([
    createUser(db),
    createUser(db),
    createUser(db),
    createUser(db),
  ]);
  const team = await db.team.create({ data: { name } });
  const roles: [string, TeamRole, string][] = [
    [owner.id, "owner", "Olga Owner"],
    [admin.id, "admin", "Ada Admin"],
    [member.id, "member", "Mo Member"],
  ];
  for (const [userId, role, displayName] of roles) {
    await db.user.update({ where: { id: userId }, data: { name: displayName } });
    await db.teamMember.create({ data: { teamId: team.id, userId, role } });
  }
  return { id: team.id, owner, admin, member, outsider };
}

export async function poolBalance(db: Db, teamId: string): Promise<number> {
  return (await db.team.findUniqueOrThrow({ where: { id: teamId } })).balance;
}

/** Every pool and every personal account: balance == Σ its ledger rows, held == Σ its active holds. */
export async function accountInvariantViolations(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<
    { account: string; balance: number; held: number; ledger: bigint | null; active: bigint | null }[]
  >`
    SELECT 'user ' || u.id AS account, u.balance, u."heldCredits" AS held,
           (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."userId" = u.id AND l."teamId" IS NULL) AS ledger,
           (SELECT SUM(amount) FROM "CreditHold" h WHERE h."userId" = u.id AND h."teamId" IS NULL AND h.status = 'active') AS active
      FROM "User" u
    UNION ALL
    SELECT 'team ' || t.id, t.balance, t."heldCredits",
           (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."teamId" = t.id),
           (SELECT SUM(amount) FROM "CreditHold" h WHERE h."teamId" = t.id AND h.status = 'active')
      FROM "Team" t`;
  return rows.flatMap((r) => {
    const problems: string[] = [];
    if (Number(r.ledger ?? 0) !== Number(r.balance))
      problems.push(`${r.account}: balance ${r.balance} != ledger ${r.ledger ?? 0}`);
    if (Number(r.active ?? 0) !== Number(r.held))
      problems.push(`${r.account}: held ${r.held} != holds ${r.active ?? 0}`);
    return problems;
  });
}

/** The money/content snapshot plus every pool's balance and the teams' audit log: equal means nothing was written. */
export async function teamSnapshot(db: Db): Promise<Record<string, unknown>> {
  const [base, pools, teamEvents] = await Promise.all([
    snapshot(db),
    db.team.findMany({ select: { id: true, balance: true, heldCredits: true }, orderBy: { id: "asc" } }),
    db.teamEvent.count(),
  ]);
  return { ...base, pools, teamEvents };
}
