/**
 * Password reset (by mailed link) and change (signed in, with the current password). Reset
 * links are single-use, expire after 30 minutes and are stored hashed (tokens.ts). A reset ends
 * every session of the account; a change ends every other one.
 */
import { env } from "~/env";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";
import { DomainError } from "~/server/errors";
import { enqueueMail } from "~/server/mail";

import { normaliseEmail } from "./accounts";
import { hashPassword, verifyPassword } from "./password";
import { endAllSessions } from "./sessions";
import { consumeToken, issueToken, TOKEN_TTL_MS } from "./tokens";

export class InvalidResetLinkError extends DomainError {
  constructor() {
    super("invalid_reset_link", "This reset link has expired or was already used.", "BAD_REQUEST");
  }
}

export class WrongPasswordError extends DomainError {
  constructor() {
    super("wrong_password", "The current password is wrong.", "BAD_REQUEST");
  }
}

export function resetLink(raw: string): string {
  return new URL(`/auth/reset?token=${encodeURIComponent(raw)}`, env.APP_URL).toString();
}

/**
 * Mails a reset link when the email has an account; does nothing otherwise. The caller answers
 * the same either way (no enumeration) and rate-limits.
 */
export async function requestPasswordReset(db: DbOrTx, rawEmail: string, locale: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  await inTransaction(db, async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user?.email) return;
    const raw = await issueToken(tx, { userId: user.id, email: user.email, purpose: "reset_password" });
    await enqueueMail(tx, {
      to: user.email,
      template: "reset_password",
      locale,
      params: { link: resetLink(raw), minutes: TOKEN_TTL_MS.reset_password / 60_000 },
    });
  });
}

/** Sets a new password from a reset link and ends every session of the account. */
export async function resetPassword(db: DbOrTx, raw: string, newPassword: string): Promise<{ userId: string }> {
  const passwordHash = await hashPassword(newPassword);
  return inTransaction(db, async (tx) => {
    const token = await consumeToken(tx, raw, "reset_password");
    if (!token) throw new InvalidResetLinkError();
    // The link went to one address; if the account's email has changed since, it no longer counts.
    const updated = await tx.user.updateMany({
      where: { id: token.userId, email: token.email },
      data: { passwordHash },
    });
    if (updated.count === 0) throw new InvalidResetLinkError();
    await tx.accountToken.deleteMany({ where: { userId: token.userId, purpose: "reset_password", usedAt: null } });
    await endAllSessions(tx, token.userId);
    return { userId: token.userId };
  });
}

/** Changes the password of a signed-in user who knows the current one; ends their other sessions. */
export async function changePassword(
  db: DbOrTx,
  input: { userId: string; currentPassword: string; newPassword: string; keepSessionId?: string },
): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: input.userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw new WrongPasswordError();
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(db, async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash } });
    await endAllSessions(tx, input.userId, input.keepSessionId);
  });
}
