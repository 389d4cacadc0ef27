/**
 * Teams: shared credit pools. CONTRACT STUBS — each is replaced by its module in this folder.
 */
import type { DbOrTx } from "~/server/database/transaction";
import type { AssignableRole, MemberLimits } from "~/lib/teams";

import type { InvitePreview, TeamEventView, TeamInviteView, TeamMemberView, TeamSummary, TeamView } from "./contract";

export * from "./contract";
export * from "./errors";
export { requireTeamRole } from "./access";
export { recordTeamEvent, type TeamEventInput } from "./audit";

function notBuilt(): never {
  throw new Error("teams: not built yet");
}

export interface InviteDeps {
  db: DbOrTx;
  /** The app's public URL: the invitation link is APP_URL/invite/<token>. */
  appUrl: string;
}

export async function createTeam(_db: DbOrTx, _userId: string, _name: string): Promise<TeamView> {
  notBuilt();
}
export async function listTeams(_db: DbOrTx, _userId: string): Promise<TeamSummary[]> {
  notBuilt();
}
export async function getTeam(_db: DbOrTx, _userId: string, _teamId: string): Promise<TeamView> {
  notBuilt();
}
export async function renameTeam(_db: DbOrTx, _userId: string, _teamId: string, _name: string): Promise<TeamView> {
  notBuilt();
}
export async function listMembers(_db: DbOrTx, _userId: string, _teamId: string): Promise<TeamMemberView[]> {
  notBuilt();
}
/** Mails the invitation (in `locale`) and returns its link, which the admin can also copy. */
export async function inviteMember(
  _deps: InviteDeps,
  _userId: string,
  _input: { teamId: string; email: string; role: AssignableRole; locale: string },
): Promise<{ inviteId: string; inviteUrl: string }> {
  notBuilt();
}
export async function listInvites(_db: DbOrTx, _userId: string, _teamId: string): Promise<TeamInviteView[]> {
  notBuilt();
}
export async function revokeInvite(_db: DbOrTx, _userId: string, _teamId: string, _inviteId: string): Promise<void> {
  notBuilt();
}
export async function previewInvite(_db: DbOrTx, _userId: string, _token: string): Promise<InvitePreview> {
  notBuilt();
}
export async function acceptInvite(_db: DbOrTx, _userId: string, _token: string): Promise<{ teamId: string }> {
  notBuilt();
}
export async function setMemberRole(
  _db: DbOrTx,
  _userId: string,
  _input: { teamId: string; memberId: string; role: AssignableRole },
): Promise<void> {
  notBuilt();
}
export async function setMemberLimits(
  _db: DbOrTx,
  _userId: string,
  _input: { teamId: string; memberId: string; limits: MemberLimits },
): Promise<void> {
  notBuilt();
}
export async function removeMember(
  _db: DbOrTx,
  _userId: string,
  _input: { teamId: string; memberId: string },
): Promise<void> {
  notBuilt();
}
export async function leaveTeam(_db: DbOrTx, _userId: string, _teamId: string): Promise<void> {
  notBuilt();
}
/** The owner hands ownership to another member and becomes an admin. */
export async function transferOwnership(
  _db: DbOrTx,
  _userId: string,
  _input: { teamId: string; memberId: string },
): Promise<void> {
  notBuilt();
}
export async function teamEvents(
  _db: DbOrTx,
  _userId: string,
  _input: { teamId: string; cursor?: string; limit: number },
): Promise<{ items: TeamEventView[]; nextCursor: string | null }> {
  notBuilt();
}
