import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

import { DomainError } from "~/server/errors";

/** What a client sees, in production, for a failure the app did not raise on purpose. */
export const GENERIC_ERROR_MESSAGE = "Something went wrong.";

const MAX_LOGGED_CHARS = 2_000;

/**
 * A failure nobody meant to report to the user: a 5xx that is not a domain error (a Stripe or
 * database error, a bug). Domain errors, input validation, auth and rate limits are 4xx or
 * DomainErrors and keep their message: the UI and the paywall read them.
 */
export function isUnexpectedError(error: TRPCError): boolean {
  return !(error.cause instanceof DomainError) && getHTTPStatusCodeFromError(error) >= 500;
}

/** Whether clients may see internal error messages and stacks: everywhere but production. */
export function exposeInternalErrors(): boolean {
  return process.env.NODE_ENV !== "production";
}

/**
 * The detail of an unexpected error for the server log. `cause` is Stripe's error type when there
 * is one (class names do not survive minification). Prisma's validation errors print the query's
 * arguments (which can be user text), so only their name is kept.
 */
export function errorDetail(error: TRPCError): { error: string; cause: string | undefined; stack: string | undefined } {
  const type = (error.cause as { type?: unknown } | undefined)?.type;
  const cause = typeof type === "string" ? type : error.cause?.name;
  if (cause === "PrismaClientValidationError")
    return { error: "(withheld: may echo query arguments)", cause, stack: undefined };
  return { error: error.message.slice(0, MAX_LOGGED_CHARS), cause, stack: error.stack?.slice(0, MAX_LOGGED_CHARS) };
}
