import { DomainError } from "~/server/errors";

import type { RateLimitStore } from "./store";

export interface RateLimitRule {
  /** Names the limit in keys and logs, e.g. "signin-email". */
  name: string;
  limit: number;
  windowSeconds: number;
}

export class RateLimitedError extends DomainError {
  constructor(
    readonly rule: string,
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", `Too many requests. Try again in ${retryAfterSeconds} s.`, "TOO_MANY_REQUESTS");
  }
}

/** Counts one attempt against `rule` for `subject` and returns the count; over the limit → RateLimitedError with Retry-After. */
export async function consume(
  store: RateLimitStore,
  rule: RateLimitRule,
  subject: string,
  now = Date.now(),
): Promise<number> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const count = await store.hit(`${rule.name}:${subject}`, windowStart, rule.windowSeconds);
  if (count > rule.limit) {
    throw new RateLimitedError(rule.name, Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000)));
  }
  return count;
}
