/**
 * tRPC setup: the request context, the error shape and the two kinds of procedure.
 * Domain errors thrown by src/server/<domain> are mapped to tRPC codes in one place here,
 * so routers stay thin; each error names its own code (too few credits → PAYMENT_REQUIRED, whose
 * numbers travel as `data.credits` for the paywall).
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";

import type { CreditShortfall } from "~/lib/credit-shortfall";
import { getSessionUserId } from "~/server/auth/session";
import { InsufficientCreditsError } from "~/server/credits/errors";
import { db, type Db } from "~/server/db";
import { DomainError } from "~/server/errors";

import { exposeInternalErrors, GENERIC_ERROR_MESSAGE, isUnexpectedError } from "./public-errors";

export interface Context {
  db: Db;
  userId: string | null;
  headers: Headers;
}

export async function createTRPCContext(opts: { headers: Headers }): Promise<Context> {
  const userId = await getSessionUserId();
  return { db, userId, headers: opts.headers };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Unexpected errors reach production clients as a generic message; the route's log line has the detail.
  errorFormatter({ shape, error }) {
    const expose = exposeInternalErrors();
    const { stack, ...data } = shape.data;
    return {
      ...shape,
      message: expose || !isUnexpectedError(error) ? shape.message : GENERIC_ERROR_MESSAGE,
      data: {
        ...data,
        ...(expose && stack ? { stack } : {}),
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        domainCode: error.cause instanceof DomainError ? error.cause.code : null,
        // PAYMENT_REQUIRED for too few credits: the numbers the paywall shows (needed, spendable, held, balance).
        credits: (error.cause instanceof InsufficientCreditsError
          ? error.cause.shortfall
          : null) as CreditShortfall | null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;
export const createMiddleware = t.middleware;

/** Turns domain errors into tRPC errors; everything else passes through untouched. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: cause.trpcCode, message: cause.message, cause });
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});
