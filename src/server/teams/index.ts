/** Teams: shared credit pools. The export list; each rule lives in this folder's modules. */
export * from "./contract";
export * from "./errors";
export { requireTeamRole } from "./access";
export { recordTeamEvent, type TeamEventInput } from "./audit";
export { createTeam, getTeam, listTeams, renameTeam } from "./teams";
export { leaveTeam, listMembers, removeMember, setMemberLimits, setMemberRole, transferOwnership } from "./members";
export { acceptInvite, inviteMember, listInvites, previewInvite, revokeInvite, type InviteDeps } from "./invites";
export { teamEvents } from "./events";
export { leaveTeamsForDeletion } from "./account-deletion";
