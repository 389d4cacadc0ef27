import type { DbOrTx } from "~/server/database/transaction";
import { limit, RULES, type RateLimitStore } from "~/server/rate-limit";

import { normaliseEmail } from "./accounts";
import { verifyPassword } from "./password";

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * Checks an email + password. Attempts count against per-email and per-IP limits before the
 * password is looked at (RateLimitedError when over). Unknown email and wrong password are
 * indistinguishable to the caller: both return null after the same amount of work.
 */
export async function verifyCredentials(db: DbOrTx, input: { email: string; password: string; ip: string },
  limits?: RateLimitStore,
): Promise<SignedInUser | null> {
  const email = normaliseEmail(input.email);
  await limit(RULES.signinPerIp, input.ip, limits);
  await limit(RULES.signinPerEmail, email, limits);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok) return null;
  return { id: user.id, email: user.email ?? email, name: user.name };
}
