import { env } from "~/env";
import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { requestLocale } from "~/server/auth/request-locale";
import {
  acceptInvite,
  createTeam,
  getTeam,
  inviteInput,
  inviteMember,
  inviteTokenInput,
  leaveTeam,
  listInvites,
  listMembers,
  listTeams,
  memberInput,
  pageInput,
  previewInvite,
  removeMember,
  renameTeam,
  revokeInvite,
  setLimitsInput,
  setMemberLimits,
  setMemberRole,
  setRoleInput,
  teamEvents,
  teamIdInput,
  teamNameInput,
  transferOwnership,
  type InvitePreview,
  type TeamEventView,
  type TeamInviteView,
  type TeamMemberView,
  type TeamSummary,
  type TeamView,
} from "~/server/teams";
import { recordId } from "~/server/api/validation";

/** Every procedure checks the caller's role in the team through src/server/teams/access.ts. */
export const teamsRouter = createTRPCRouter({
  /** The caller's teams, with each pool's balance and what the caller may spend from it. */
  list: protectedProcedure.query(({ ctx }): Promise<TeamSummary[]> => listTeams(ctx.db, ctx.userId)),
  create: protectedProcedure
    .input(teamNameInput)
    .use(LIMITS.teamChange)
    .mutation(({ ctx, input }): Promise<TeamView> => createTeam(ctx.db, ctx.userId, input.name)),
  get: protectedProcedure
    .input(teamIdInput)
    .query(({ ctx, input }): Promise<TeamView> => getTeam(ctx.db, ctx.userId, input.teamId)),
  rename: protectedProcedure
    .input(teamIdInput.merge(teamNameInput))
    .use(LIMITS.teamChange)
    .mutation(({ ctx, input }): Promise<TeamView> => renameTeam(ctx.db, ctx.userId, input.teamId, input.name)),
  members: protectedProcedure
    .input(teamIdInput)
    .query(({ ctx, input }): Promise<TeamMemberView[]> => listMembers(ctx.db, ctx.userId, input.teamId)),
  invite: protectedProcedure
    .input(inviteInput)
    .use(LIMITS.teamInvite)
    .mutation(({ ctx, input }): Promise<{ inviteId: string; inviteUrl: string }> =>
      inviteMember({ db: ctx.db, appUrl: env.APP_URL }, ctx.userId, { ...input, locale: requestLocale(ctx.headers) }),
    ),
  invites: protectedProcedure
    .input(teamIdInput)
    .query(({ ctx, input }): Promise<TeamInviteView[]> => listInvites(ctx.db, ctx.userId, input.teamId)),
  revokeInvite: protectedProcedure
    .input(teamIdInput.extend({ inviteId: recordId }))
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ revoked: true }> => {
      await revokeInvite(ctx.db, ctx.userId, input.teamId, input.inviteId);
      return { revoked: true };
    }),
  previewInvite: protectedProcedure
    .input(inviteTokenInput)
    .query(({ ctx, input }): Promise<InvitePreview> => previewInvite(ctx.db, ctx.userId, input.token)),
  acceptInvite: protectedProcedure
    .input(inviteTokenInput)
    .use(LIMITS.teamChange)
    .mutation(({ ctx, input }): Promise<{ teamId: string }> => acceptInvite(ctx.db, ctx.userId, input.token)),
  setRole: protectedProcedure
    .input(setRoleInput)
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await setMemberRole(ctx.db, ctx.userId, input);
      return { ok: true };
    }),
  setLimits: protectedProcedure
    .input(setLimitsInput)
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await setMemberLimits(ctx.db, ctx.userId, input);
      return { ok: true };
    }),
  removeMember: protectedProcedure
    .input(memberInput)
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await removeMember(ctx.db, ctx.userId, input);
      return { ok: true };
    }),
  leave: protectedProcedure
    .input(teamIdInput)
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await leaveTeam(ctx.db, ctx.userId, input.teamId);
      return { ok: true };
    }),
  transferOwnership: protectedProcedure
    .input(memberInput)
    .use(LIMITS.teamChange)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await transferOwnership(ctx.db, ctx.userId, input);
      return { ok: true };
    }),
  /** The team's audit log, newest first (admins). */
  events: protectedProcedure
    .input(pageInput)
    .query(({ ctx, input }): Promise<{ items: TeamEventView[]; nextCursor: string | null }> =>
      teamEvents(ctx.db, ctx.userId, input),
    ),
});
