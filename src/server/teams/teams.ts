/** Teams themselves: create, list, read, rename. Membership rules live in members.ts and invites.ts. */
import type { Team, TeamMember } from "~/generated/prisma/client";
import type { MemberLimits } from "~/lib/teams";
import { memberLimitUse, spendableCredits, type LimitUse } from "~/server/credits";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";

import { requireTeamRole } from "./access";
import { recordTeamEvent } from "./audit";
import type { TeamSummary, TeamView } from "./contract";

export function limitsOf(member: Pick<TeamMember, "dailyLimit" | "weeklyLimit" | "monthlyLimit">): MemberLimits {
  return { day: member.dailyLimit, week: member.weeklyLimit, month: member.monthlyLimit };
}

export function hasLimits(member: Pick<TeamMember, "dailyLimit" | "weeklyLimit" | "monthlyLimit">): boolean {
  return member.dailyLimit !== null || member.weeklyLimit !== null || member.monthlyLimit !== null;
}

/** The member's limits in force and their use; no query when the member has none. */
export async function limitUseOf(db: DbOrTx, member: TeamMember): Promise<LimitUse[]> {
  return hasLimits(member) ? memberLimitUse(db, member.teamId, member.userId) : [];
}

async function summarise(
  db: DbOrTx,
  team: Team & { _count: { members: number } },
  membership: TeamMember,
): Promise<TeamView> {
  const spendable = spendableCredits(team);
  const limits = await limitUseOf(db, membership);
  return {
    id: team.id,
    name: team.name,
    role: membership.role,
    balance: team.balance,
    held: team.heldCredits,
    spendable,
    limits,
    spendableForMe: Math.min(spendable, ...limits.map((l) => l.remaining)),
    memberCount: team._count.members,
    createdAt: team.createdAt,
  };
}

const withCount = { _count: { select: { members: true } } } as const;

export async function createTeam(db: DbOrTx, userId: string, name: string): Promise<TeamView> {
  return inTransaction(db, async (tx) => {
    const team = await tx.team.create({ data: { name, members: { create: { userId, role: "owner" } } } });
    await recordTeamEvent(tx, { teamId: team.id, actorId: userId, action: "team_created", detail: { name } });
    return getTeam(tx, userId, team.id);
  });
}

export async function listTeams(db: DbOrTx, userId: string): Promise<TeamSummary[]> {
  const memberships = await db.teamMember.findMany({
    where: { userId },
    include: { team: { include: withCount } },
    orderBy: [{ joinedAt: "asc" }, { teamId: "asc" }],
  });
  return Promise.all(
    memberships.map(async ({ team, ...membership }) => {
      const { createdAt: _createdAt, ...summary } = await summarise(db, team, membership);
      return summary;
    }),
  );
}

export async function getTeam(db: DbOrTx, userId: string, teamId: string): Promise<TeamView> {
  const membership = await requireTeamRole(db, teamId, userId);
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId }, include: withCount });
  return summarise(db, team, membership);
}

export async function renameTeam(db: DbOrTx, userId: string, teamId: string, name: string): Promise<TeamView> {
  return inTransaction(db, async (tx) => {
    await requireTeamRole(tx, teamId, userId, "admin");
    const before = await tx.team.findUniqueOrThrow({ where: { id: teamId }, select: { name: true } });
    if (before.name !== name) {
      await tx.team.update({ where: { id: teamId }, data: { name } });
      await recordTeamEvent(tx, {
        teamId,
        actorId: userId,
        action: "team_renamed",
        detail: { from: before.name, to: name },
      });
    }
    return getTeam(tx, userId, teamId);
  });
}
