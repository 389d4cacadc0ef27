/**
 * Team memberships when a person deletes their account (src/server/accounts/delete-account.ts):
 * they leave every team they do not own, logged like leaving. An owner must first hand the team
 * to another member, so a team with members never loses its owner; a team whose only member is
 * its owner keeps that (anonymised) membership, as the account row is kept for its ledger.
 */
import type { Tx } from "~/server/database/transaction";

import { recordTeamEvent } from "./audit";
import { TeamMembershipError } from "./errors";
import { lockTeam } from "./lock";

export async function leaveTeamsForDeletion(tx: Tx, userId: string): Promise<void> {
  const memberships = await tx.teamMember.findMany({
    where: { userId },
    select: { teamId: true },
    orderBy: { teamId: "asc" },
  });
  for (const { teamId } of memberships) {
    await lockTeam(tx, teamId);
    const me = await tx.teamMember.findUnique({ where: { teamId_userId: { teamId, userId } } });
    if (!me) continue;
    if (me.role === "owner") {
      const others = await tx.teamMember.count({ where: { teamId, userId: { not: userId } } });
      if (others > 0) {
        const team = await tx.team.findUniqueOrThrow({ where: { id: teamId }, select: { name: true } });
        throw new TeamMembershipError(
          "owner_must_transfer",
          `You own the team “${team.name}”: transfer it to another member before deleting your account.`,
        );
      }
      continue;
    }
    await tx.teamMember.delete({ where: { teamId_userId: { teamId, userId } } });
    await recordTeamEvent(tx, {
      teamId,
      actorId: userId,
      action: "member_left",
      subjectId: userId,
      detail: { role: me.role, accountDeleted: true },
    });
  }
}
