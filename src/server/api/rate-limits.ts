/**
 * Every abuse limit of the API, in one layer: the API edge. Procedures declare theirs with
 * `.use(LIMITS.x)` after `.input()` (so a limit can name the validated input); domain code
 * enforces none, so tests and scripts calling it directly are never throttled. Sign-in is the
 * one limited door outside tRPC: next-auth's authorize counts it (src/server/auth/sign-in-limits.ts).
 */
import { clientAddress, limit, rateLimitStoreFor, RULES, type RateLimitRule } from "~/server/rate-limit";

import { createMiddleware, type Context } from "./trpc";

interface LimitSubject {
  /** The signed-in user (procedures after protectedProcedure), else "anonymous". */
  userId: string;
  /** The client's address as the deployment reports it (never a client-written header). */
  address: string;
  input: unknown;
}

/** A middleware counting one hit on each (rule, subject) pair; over a limit it throws TOO_MANY_REQUESTS. */
export function rateLimit(pairs: (s: LimitSubject) => [RateLimitRule, string][]) {
  return createMiddleware(async ({ ctx, input, next }) => {
    const context = ctx as Context;
    const subject = { userId: context.userId ?? "anonymous", address: clientAddress(context.headers), input };
    const store = rateLimitStoreFor(context.db);
    for (const [rule, key] of pairs(subject)) await limit(rule, key, store);
    return next();
  });
}

/**
 * Like rateLimit, but the hit is counted while the procedure starts: the procedure gets the count
 * as `ctx.admitted` and hands it to the domain, which only reads until it resolves (chat's
 * exchanges, src/server/chat/exchange.ts) and is refused by it first. Awaited here as well, so a
 * procedure that ignores it still fails when over the limit.
 */
export function rateLimitAlongside(pairs: (s: LimitSubject) => [RateLimitRule, string][]) {
  return createMiddleware(async ({ ctx, input, next }) => {
    const context = ctx as Context;
    const subject = { userId: context.userId ?? "anonymous", address: clientAddress(context.headers), input };
    const store = rateLimitStoreFor(context.db);
    const admitted = Promise.all(pairs(subject).map(([rule, key]) => limit(rule, key, store)));
    admitted.catch(() => {}); // observed by the procedure or below, never unhandled
    const result = await next({ ctx: { admitted } });
    await admitted;
    return result;
  });
}

const emailOf = (input: unknown) => (input as { email: string }).email;

export const LIMITS = {
  signUp: rateLimit(({ address }) => [[RULES.signupPerIp, address]]),
  resendVerification: rateLimit(({ userId, address }) => [
    [RULES.accountMailPerIp, address],
    [RULES.accountMailPerSubject, `verify:${userId}`],
  ]),
  requestPasswordReset: rateLimit(({ input, address }) => [
    [RULES.accountMailPerIp, address],
    [RULES.accountMailPerSubject, `reset:${emailOf(input)}`],
  ]),
  resetPassword: rateLimit(({ address }) => [[RULES.signinPerIp, address]]),
  /** Password checks of a signed-in user count like sign-in attempts from that address. */
  changePassword: rateLimit(({ userId, address }) => [[RULES.signinPerEmailAndIp, `change:${userId}|${address}`]]),
  deleteAccount: rateLimit(({ userId, address }) => [[RULES.signinPerEmailAndIp, `delete:${userId}|${address}`]]),
  checkout: rateLimit(({ userId }) => [[RULES.checkoutPerUser, userId]]),
  lowBalanceSetting: rateLimit(({ userId }) => [[RULES.settingsPerUser, `low-balance:${userId}`]]),
  /** Removing a saved card calls Stripe: the checkout budget's size, counted apart. */
  savedCard: rateLimit(({ userId }) => [[RULES.checkoutPerUser, `saved-card:${userId}`]]),
  /** Setting auto top-up, authenticating and confirming a top-up call Stripe: the checkout budget's size, counted apart. */
  autoTopUp: rateLimit(({ userId }) => [[RULES.checkoutPerUser, `auto-top-up:${userId}`]]),
  /** send, regenerate and edit-and-resend share one budget: each starts a metered reply. */
  chatExchange: rateLimitAlongside(({ userId }) => [[RULES.chatPerUser, userId]]),
  /** chat.quote, asked as the user types: a budget of its own, far above the exchanges'. */
  chatQuote: rateLimit(({ userId }) => [[RULES.chatQuotePerUser, userId]]),
  /** A team invitation mails an address: counted per sender and, like account mail, per recipient. */
  teamInvite: rateLimit(({ userId, input }) => [
    [RULES.teamInvitePerUser, userId],
    [RULES.accountMailPerSubject, `team-invite:${emailOf(input)}`],
  ]),
  /** Creating, renaming and changing a team's members: the settings budget, counted apart. */
  teamChange: rateLimit(({ userId }) => [[RULES.settingsPerUser, `team:${userId}`]]),
};
