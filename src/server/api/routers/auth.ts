import { z } from "zod";

import { env } from "~/env";
import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc";
import { signUpWithPassword } from "~/server/auth/accounts";
import { oauthProviders } from "~/server/auth/config";
import { changePassword, requestPasswordReset, resetPassword } from "~/server/auth/password-reset";
import { checkStrength, newPassword } from "~/server/auth/password-strength";
import { requestLocale } from "~/server/auth/request-locale";
import { getSessionId } from "~/server/auth/session";
import { endAllSessions } from "~/server/auth/sessions";
import { resendVerification, verifyEmail } from "~/server/auth/verification";

import { text } from "../validation";

const email = z.string().trim().toLowerCase().email().max(254);
const linkToken = z
  .string()
  .min(20)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "Invalid link.");

export const signUpInput = z
  .object({ email, password: newPassword, name: text({ max: 80 }).optional() })
  .superRefine(checkStrength);

export const authRouter = createTRPCRouter({
  /**
   * Creates the account. The answer is the same whether or not the email already had one (no
   * account enumeration). The client then signs in with next-auth's credentials provider.
   */
  signUp: publicProcedure
    .input(signUpInput)
    .use(LIMITS.signUp)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await signUpWithPassword(ctx.db, { ...input, locale: requestLocale(ctx.headers) });
      return { ok: true };
    }),

  /** Whether the signed-in user still has to verify their email (and what the bonus is). */
  status: protectedProcedure.query(
    async ({ ctx }): Promise<{ email: string | null; verified: boolean; bonus: number }> => {
      const user = await ctx.db.user.findUniqueOrThrow({
        where: { id: ctx.userId },
        select: { email: true, emailVerified: true },
      });
      return { email: user.email, verified: Boolean(user.emailVerified), bonus: env.SIGNUP_BONUS_CREDITS };
    },
  ),

  resendVerification: protectedProcedure
    .use(LIMITS.resendVerification)
    .mutation(async ({ ctx }): Promise<{ status: "sent" | "already_verified" }> => {
      return { status: await resendVerification(ctx.db, ctx.userId, requestLocale(ctx.headers)) };
    }),

  /** Confirms the email from a verification link; grants the signup bonus once. */
  verifyEmail: publicProcedure.input(z.object({ token: linkToken })).mutation(async ({ ctx, input }) => ({
    status: await verifyEmail(ctx.db, input.token),
  })),

  /** Mails a reset link if the email has an account; answers the same either way. */
  requestPasswordReset: publicProcedure
    .input(z.object({ email }))
    .use(LIMITS.requestPasswordReset)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await requestPasswordReset(ctx.db, input.email, requestLocale(ctx.headers));
      return { ok: true };
    }),

  resetPassword: publicProcedure
    .input(z.object({ token: linkToken, password: newPassword }).superRefine(checkStrength))
    .use(LIMITS.resetPassword)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      await resetPassword(ctx.db, input.token, input.password);
      return { ok: true };
    }),

  changePassword: protectedProcedure
    .input(z.object({ currentPassword: z.string().min(1).max(128), password: newPassword }).superRefine(checkStrength))
    .use(LIMITS.changePassword)
    .mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
      const keepSessionId = (await getSessionId().catch(() => null)) ?? undefined;
      await changePassword(ctx.db, {
        userId: ctx.userId,
        currentPassword: input.currentPassword,
        newPassword: input.password,
        keepSessionId,
      });
      return { ok: true };
    }),

  /** Ends every session of the signed-in user, this one included. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }): Promise<{ ended: number }> => ({
    ended: await endAllSessions(ctx.db, ctx.userId),
  })),

  /** Which OAuth providers are configured. */
  providers: publicProcedure.query((): { github: boolean; google: boolean } => oauthProviders),
});
