/**
 * Membership changes: roles, limits, removal, leaving, ownership. Each runs under the team row's
 * lock (lock.ts) and writes its audit event in the same transaction, so the log and the roster agree.
 */
import type { TeamMember } from "~/generated/prisma/client";
import type { AssignableRole, MemberLimits } from "~/lib/teams";
import { limitUses, recountMemberUse, teamMemberUses } from "~/server/credits";
import { inTransaction, type DbOrTx, type Tx } from "~/server/database/transaction";

import { requireTeamRole } from "./access";
import { recordTeamEvent } from "./audit";
import type { TeamMemberView } from "./contract";
import { TeamMemberNotFoundError, TeamMembershipError, TeamRoleRequiredError } from "./errors";
import { lockTeam } from "./lock";
import { limitsOf } from "./teams";

type MemberTarget = { teamId: string; memberId: string };

async function targetOf(tx: Tx, input: MemberTarget): Promise<TeamMember> {
  const member = await tx.teamMember.findUnique({
    where: { teamId_userId: { teamId: input.teamId, userId: input.memberId } },
  });
  if (!member) throw new TeamMemberNotFoundError(input.memberId);
  return member;
}

/** Starts a membership change: locks the team, checks the caller's role, returns the caller's membership. */
async function lockedAs(tx: Tx, teamId: string, userId: string, role: "member" | "admin" | "owner") {
  await lockTeam(tx, teamId);
  return requireTeamRole(tx, teamId, userId, role);
}

export async function listMembers(db: DbOrTx, userId: string, teamId: string): Promise<TeamMemberView[]> {
  const me = await requireTeamRole(db, teamId, userId);
  const seesAll = me.role !== "member";
  const members = await db.teamMember.findMany({
    where: { teamId },
    include: { user: { select: { name: true, email: true } } },
    orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
  });
  // One statement for every member's use, however large the team.
  const uses = await teamMemberUses(db, teamId);
  return members.map((member) => {
    const visible = seesAll || member.userId === userId;
    const { use, spentThisMonth } = uses.get(member.userId) ?? {
      use: { day: 0, week: 0, month: 0 },
      spentThisMonth: 0,
    };
    return {
      userId: member.userId,
      name: member.user.name,
      email: member.user.email,
      role: member.role,
      joinedAt: member.joinedAt,
      limits: visible ? limitsOf(member) : null,
      use: visible ? limitUses(limitsOf(member), use) : null,
      spentThisMonth: visible ? spentThisMonth : null,
    };
  });
}

/** An admin makes a member an admin or an admin a member; the owner's role moves only by transferOwnership. */
export async function setMemberRole(
  db: DbOrTx,
  userId: string,
  input: MemberTarget & { role: AssignableRole },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    await lockedAs(tx, input.teamId, userId, "admin");
    const target = await targetOf(tx, input);
    if (target.role === "owner")
      throw new TeamMembershipError("owner_role_fixed", "The owner's role changes only by transferring ownership.");
    if (target.role === input.role) return;
    await tx.teamMember.update({
      where: { teamId_userId: { teamId: input.teamId, userId: input.memberId } },
      data: { role: input.role },
    });
    await recordTeamEvent(tx, {
      teamId: input.teamId,
      actorId: userId,
      action: "role_changed",
      subjectId: input.memberId,
      detail: { from: target.role, to: input.role },
    });
  });
}

/** An admin sets a member's limits (null = none); only the owner changes the owner's own. */
export async function setMemberLimits(
  db: DbOrTx,
  userId: string,
  input: MemberTarget & { limits: MemberLimits },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const me = await lockedAs(tx, input.teamId, userId, "admin");
    const target = await targetOf(tx, input);
    if (target.role === "owner" && me.role !== "owner") throw new TeamRoleRequiredError("owner");
    const before = limitsOf(target);
    const after = input.limits;
    if (before.day === after.day && before.week === after.week && before.month === after.month) return;
    await tx.teamMember.update({
      where: { teamId_userId: { teamId: input.teamId, userId: input.memberId } },
      data: { dailyLimit: after.day, weeklyLimit: after.week, monthlyLimit: after.month },
    });
    // Nothing kept the totals while the member had no limit; with one they count from now on.
    if (after.day !== null || after.week !== null || after.month !== null)
      await recountMemberUse(tx, input.teamId, input.memberId);
    await recordTeamEvent(tx, {
      teamId: input.teamId,
      actorId: userId,
      action: "limits_changed",
      subjectId: input.memberId,
      detail: { from: before, to: after },
    });
  });
}

/**
 * An admin removes a member other than the owner and themselves (that is leaving). Their replies in
 * progress settle against the pool as usual; new spends are refused because they are no longer a member.
 */
export async function removeMember(db: DbOrTx, userId: string, input: MemberTarget): Promise<void> {
  await inTransaction(db, async (tx) => {
    await lockedAs(tx, input.teamId, userId, "admin");
    if (input.memberId === userId) throw new TeamMembershipError("remove_self", "To remove yourself, leave the team.");
    const target = await targetOf(tx, input);
    if (target.role === "owner")
      throw new TeamMembershipError("owner_cannot_be_removed", "The owner cannot be removed.");
    await tx.teamMember.delete({ where: { teamId_userId: { teamId: input.teamId, userId: input.memberId } } });
    await recordTeamEvent(tx, {
      teamId: input.teamId,
      actorId: userId,
      action: "member_removed",
      subjectId: input.memberId,
      detail: { role: target.role },
    });
  });
}

export async function leaveTeam(db: DbOrTx, userId: string, teamId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const me = await lockedAs(tx, teamId, userId, "member");
    if (me.role === "owner")
      throw new TeamMembershipError("owner_must_transfer", "Transfer ownership to another member before leaving.");
    await tx.teamMember.delete({ where: { teamId_userId: { teamId, userId } } });
    await recordTeamEvent(tx, {
      teamId,
      actorId: userId,
      action: "member_left",
      subjectId: userId,
      detail: { role: me.role },
    });
  });
}

/** The owner hands ownership to another member and becomes an admin; the team lock keeps exactly one owner. */
export async function transferOwnership(db: DbOrTx, userId: string, input: MemberTarget): Promise<void> {
  await inTransaction(db, async (tx) => {
    await lockedAs(tx, input.teamId, userId, "owner");
    if (input.memberId === userId) throw new TeamMembershipError("already_owner", "You already own this team.");
    const target = await targetOf(tx, input);
    await tx.teamMember.update({
      where: { teamId_userId: { teamId: input.teamId, userId } },
      data: { role: "admin" },
    });
    await tx.teamMember.update({
      where: { teamId_userId: { teamId: input.teamId, userId: input.memberId } },
      data: { role: "owner" },
    });
    await recordTeamEvent(tx, {
      teamId: input.teamId,
      actorId: userId,
      action: "ownership_transferred",
      subjectId: input.memberId,
      detail: { previousRole: target.role },
    });
  });
}
