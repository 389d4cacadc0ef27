import { Redis } from "ioredis";

import { env } from "~/env";
import { db } from "~/server/db";

import { consume, type RateLimitRule } from "./rate-limit";
import { databaseStore, redisStore, type RateLimitStore } from "./store";

export { consume, RateLimitedError, type RateLimitRule } from "./rate-limit";
export { databaseStore, redisStore, type RateLimitStore } from "./store";

export const RULES = {
  signinPerEmail: { name: "signin-email", ...env.RATE_LIMIT_SIGNIN_PER_EMAIL },
  signinPerIp: { name: "signin-ip", ...env.RATE_LIMIT_SIGNIN_PER_IP },
  signupPerIp: { name: "signup-ip", ...env.RATE_LIMIT_SIGNUP_PER_IP },
  chatPerUser: { name: "chat-user", ...env.RATE_LIMIT_CHAT_PER_USER },
  checkoutPerUser: { name: "checkout-user", ...env.RATE_LIMIT_CHECKOUT_PER_USER },
} satisfies Record<string, RateLimitRule>;

const globalForLimits = globalThis as unknown as { tallyRateLimitStore?: RateLimitStore };

/** The app's shared store: Redis when REDIS_URL is set, otherwise the database. */
export function appRateLimitStore(): RateLimitStore {
  globalForLimits.tallyRateLimitStore ??= env.REDIS_URL
    ? redisStore(new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 }))
    : databaseStore(db);
  return globalForLimits.tallyRateLimitStore;
}

export function limit(rule: RateLimitRule, subject: string, store: RateLimitStore = appRateLimitStore()): Promise<void> {
  return consume(store, rule, subject);
}

/** The client's address as the fronting proxy reports it (first X-Forwarded-For hop), else "unknown". */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}
