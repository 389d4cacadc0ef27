/**
 * The one authorization rule for teams: every team procedure and every spend from a pool asks here
 * (or, under the pool's lock, the credits module reads the same TeamMember row). A non-member gets
 * NOT_FOUND, exactly like a team that does not exist.
 */
import type { TeamMember } from "~/generated/prisma/client";
import { roleAtLeast, type TeamRoleName } from "~/lib/teams";
import type { DbOrTx } from "~/server/database/transaction";

import { TeamNotFoundError, TeamRoleRequiredError } from "./errors";

export async function requireTeamRole(
  db: DbOrTx,
  teamId: string,
  userId: string,
  required: TeamRoleName = "member",
): Promise<TeamMember> {
  const membership = await db.teamMember.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!membership) throw new TeamNotFoundError(teamId);
  if (!roleAtLeast(membership.role, required))
    throw new TeamRoleRequiredError(required === "owner" ? "owner" : "admin");
  return membership;
}
