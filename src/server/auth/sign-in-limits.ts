/**
 * Sign-in throttling that stops guessers without locking the owner out. Attempts count per
 * (email, client address) — where one guesser hits the wall — and per address overall; the
 * per-email count across all addresses has a much higher ceiling and, past the per-pair limit,
 * only slows every attempt down. So guesses from elsewhere never block the owner's own address.
 */
import { limit, RULES, type RateLimitStore } from "~/server/rate-limit";

const SLOW_DOWN_STEP_MS = 200;
const SLOW_DOWN_MAX_MS = 3_000;

/** Delay for the `count`-th attempt at one email in the window: none up to the per-pair limit, then growing. */
export function slowDownMs(count: number, freeAttempts: number = RULES.signinPerEmailAndIp.limit): number {
  if (count <= freeAttempts) return 0;
  return Math.min(SLOW_DOWN_MAX_MS, (count - freeAttempts) * SLOW_DOWN_STEP_MS);
}

/** Counts one attempt; throws RateLimitedError over a limit, else returns the slow-down to apply. */
export async function countSignInAttempt(email: string, address: string, store?: RateLimitStore): Promise<number> {
  await limit(RULES.signinPerIp, address, store);
  await limit(RULES.signinPerEmailAndIp, `${email}|${address}`, store);
  return slowDownMs(await limit(RULES.signinPerEmail, email, store));
}
