import { z } from "zod";

import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { signUpWithPassword } from "~/server/auth/accounts";
import { oauthProviders } from "~/server/auth/config";
import { clientIp, limit, RULES } from "~/server/rate-limit";

import { text } from "../validation";

export const signUpInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z
    .string()
    .min(10, "Use at least 10 characters.")
    .max(128)
    .refine((p) => p.trim().length >= 10 && new Set(p).size >= 4, { message: "This password is too easy to guess." }),
  name: text({ max: 80 }).optional(),
});

export const authRouter = createTRPCRouter({
  /** Creates the account (and its signup bonus). The client then signs in with next-auth's credentials provider. */
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }): Promise<{ userId: string }> => {
    await limit(RULES.signupPerIp, clientIp(ctx.headers));
    const user = await signUpWithPassword(ctx.db, input);
    return { userId: user.id };
  }),
  /** Which OAuth providers are configured. */
  providers: publicProcedure.query((): { github: boolean; google: boolean } => oauthProviders),
});
