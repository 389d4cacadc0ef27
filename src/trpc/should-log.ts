import { TRPCClientError } from "@trpc/client";

/** What tRPC's loggerLink hands its `enabled` option (only the fields read here). */
export type LoggedOperation = { direction: "up" } | { direction: "down"; result: unknown };

/**
 * Refusals the UI answers itself are not errors: a 402 opens the paywall. Logged, every paywall
 * printed a console error, in production too, and Next's dev indicator showed "1 Issue".
 */
const EXPECTED_CODES = new Set(["PAYMENT_REQUIRED"]);

export function isExpectedRefusal(result: unknown): boolean {
  return (
    result instanceof TRPCClientError && EXPECTED_CODES.has((result.data as { code?: string } | undefined)?.code ?? "")
  );
}

/** Everything in development, failures in production, never an expected refusal. */
export function shouldLog(op: LoggedOperation, development = process.env.NODE_ENV === "development"): boolean {
  if (op.direction === "down" && isExpectedRefusal(op.result)) return false;
  return development || (op.direction === "down" && op.result instanceof Error);
}
