import { z } from "zod";

import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { signUpWithPassword } from "~/server/auth/accounts";
import { oauthProviders } from "~/server/auth/config";
import { checkStrength, newPassword } from "~/server/auth/password-strength";
import { clientAddress, limit, RULES } from "~/server/rate-limit";

import { text } from "../validation";

export const signUpInput = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    password: newPassword,
    name: text({ max: 80 }).optional(),
  })
  .superRefine(checkStrength);

export const authRouter = createTRPCRouter({
  /**
   * Creates the account. The answer is the same whether or not the email already had one (no
   * account enumeration). The client then signs in with next-auth's credentials provider.
   */
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }): Promise<{ ok: true }> => {
    await limit(RULES.signupPerIp, clientAddress(ctx.headers));
    await signUpWithPassword(ctx.db, input);
    return { ok: true };
  }),
  /** Which OAuth providers are configured. */
  providers: publicProcedure.query((): { github: boolean; google: boolean } => oauthProviders),
});
