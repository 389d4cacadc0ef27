import { z } from "zod";

import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import {
  deleteAccount,
  getProfile,
  listSessions,
  revokeSession,
  updateDisplayName,
  type Profile,
  type SessionOut,
} from "~/server/accounts";
import { getSessionId } from "~/server/auth/session";

import { recordId, text } from "../validation";

/** The account page: profile, sessions, deletion. */
export const accountRouter = createTRPCRouter({
  profile: protectedProcedure.query(async ({ ctx }): Promise<Profile> => getProfile(ctx.db, ctx.userId)),

  updateName: protectedProcedure
    .input(z.object({ name: text({ max: 80 }).refine((s) => !/[\t\r\n]/.test(s), { message: "A name is one line." }) }))
    .mutation(async ({ ctx, input }): Promise<{ name: string | null }> =>
      updateDisplayName(ctx.db, ctx.userId, input.name),
    ),

  /** Removes the display name (the app then shows the email). */
  clearName: protectedProcedure.mutation(async ({ ctx }): Promise<{ name: string | null }> =>
    updateDisplayName(ctx.db, ctx.userId, null),
  ),

  sessions: protectedProcedure.query(async ({ ctx }): Promise<SessionOut[]> => {
    const currentSid = await getSessionId().catch(() => null);
    return listSessions(ctx.db, ctx.userId, currentSid);
  }),

  revokeSession: protectedProcedure
    .input(z.object({ id: recordId }))
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await revokeSession(ctx.db, ctx.userId, input.id);
      return { ok: true };
    }),

  /** Re-authenticates (password, or the email for accounts without one), then deletes; the client signs out. */
  delete: protectedProcedure
    .input(
      z.object({
        password: z.string().min(1).max(128).optional(),
        confirmEmail: z.string().trim().max(254).optional(),
      }),
    )
    .use(LIMITS.deleteAccount)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await deleteAccount(ctx.db, { userId: ctx.userId, ...input });
      return { ok: true };
    }),
});
