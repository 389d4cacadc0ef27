import { setTimeout as sleep } from "node:timers/promises";

import type { DbOrTx } from "~/server/database/transaction";
import type { RateLimitStore } from "~/server/rate-limit";

import { normaliseEmail } from "./accounts";
import { verifyPassword } from "./password";
import { countSignInAttempt } from "./sign-in-limits";

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * Checks an email + password. Attempts are counted (see sign-in-limits) before the password is
 * looked at: RateLimitedError when over, a slow-down when one email draws many guesses. Unknown
 * email and wrong password are indistinguishable to the caller: both return null after the same work.
 */
export async function verifyCredentials(
  db: DbOrTx,
  input: { email: string; password: string; ip: string },
  limits?: RateLimitStore,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<SignedInUser | null> {
  const email = normaliseEmail(input.email);
  const delay = await countSignInAttempt(email, input.ip, limits);
  if (delay > 0) await wait(delay);
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok) return null;
  return { id: user.id, email: user.email ?? email, name: user.name };
}
