import { Redis } from "ioredis";

import { env } from "~/env";
import { db, type Db } from "~/server/db";

import { consume, type RateLimitRule } from "./rate-limit";
import { databaseStore, redisStore, type RateLimitStore } from "./store";

export { consume, RateLimitedError, type RateLimitRule } from "./rate-limit";
export { databaseStore, redisStore, type RateLimitStore } from "./store";

export const RULES = {
  signinPerEmailAndIp: { name: "signin-email-ip", ...env.RATE_LIMIT_SIGNIN_PER_EMAIL_AND_IP },
  signinPerEmail: { name: "signin-email", ...env.RATE_LIMIT_SIGNIN_PER_EMAIL },
  signinPerIp: { name: "signin-ip", ...env.RATE_LIMIT_SIGNIN_PER_IP },
  signupPerIp: { name: "signup-ip", ...env.RATE_LIMIT_SIGNUP_PER_IP },
  accountMailPerSubject: { name: "account-mail", ...env.RATE_LIMIT_ACCOUNT_MAIL },
  accountMailPerIp: {
    name: "account-mail-ip",
    limit: env.RATE_LIMIT_ACCOUNT_MAIL.limit * 5,
    windowSeconds: env.RATE_LIMIT_ACCOUNT_MAIL.windowSeconds,
  },
  chatPerUser: { name: "chat-user", ...env.RATE_LIMIT_CHAT_PER_USER },
  chatQuotePerUser: { name: "chat-quote-user", ...env.RATE_LIMIT_CHAT_QUOTE_PER_USER },
  checkoutPerUser: { name: "checkout-user", ...env.RATE_LIMIT_CHECKOUT_PER_USER },
  /** Saving a setting (e.g. the low-balance alert): generous for people, a wall for scripts. */
  settingsPerUser: { name: "settings-user", limit: 30, windowSeconds: 60 },
  /** Team invitations are mail to addresses the sender chooses: enough for onboarding a team, not for spam. */
  teamInvitePerUser: { name: "team-invite-user", limit: 50, windowSeconds: 3600 },
} satisfies Record<string, RateLimitRule>;

const globalForLimits = globalThis as unknown as { tallyRateLimitStore?: RateLimitStore };

/** The app's shared store: Redis when REDIS_URL is set, otherwise the database. */
export function appRateLimitStore(): RateLimitStore {
  globalForLimits.tallyRateLimitStore ??= env.REDIS_URL
    ? redisStore(new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 }))
    : databaseStore(db);
  return globalForLimits.tallyRateLimitStore;
}

const perDatabase = new WeakMap<Db, RateLimitStore>();

/**
 * The store a request's limits count in: Redis when configured, else the database the request
 * uses (the app's own in production), so a caller on another database never touches the app's.
 */
export function rateLimitStoreFor(database: Db): RateLimitStore {
  if (env.REDIS_URL) return appRateLimitStore();
  let store = perDatabase.get(database);
  if (!store) {
    store = databaseStore(database);
    perDatabase.set(database, store);
  }
  return store;
}

/** Counts one hit; returns the count in the window so far, or throws RateLimitedError when over. */
export function limit(
  rule: RateLimitRule,
  subject: string,
  store: RateLimitStore = appRateLimitStore(),
): Promise<number> {
  return consume(store, rule, subject);
}

export { clientAddress } from "~/server/net/client-address";
