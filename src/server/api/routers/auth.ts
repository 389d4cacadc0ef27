import { z } from "zod";

import { notImplemented } from "~/server/api/not-implemented";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";

export const signUpInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(10).max(128),
  name: z.string().trim().min(1).max(80).optional(),
});

export const authRouter = createTRPCRouter({
  /** Creates the account (and its signup bonus). The client then signs in with next-auth's credentials provider. */
  signUp: publicProcedure.input(signUpInput).mutation(async (): Promise<{ userId: string }> => notImplemented()),
  /** Which OAuth providers are configured. */
  providers: publicProcedure.query(async (): Promise<{ github: boolean; google: boolean }> => notImplemented()),
});
