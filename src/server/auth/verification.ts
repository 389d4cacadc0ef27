/**
 * Email verification, and the signup bonus that waits for it. A new email account can sign in
 * at once but gets the bonus only when it confirms the address; an OAuth account whose provider
 * vouches for the email gets it on creation. Either way the bonus is one ledger row with ref
 * signup_bonus:<userId>, so clicking the link twice, in two tabs, or after an OAuth sign-in
 * never grants it again.
 */
import { env } from "~/env";
import { grant, SIGNUP_BONUS_REF_TYPE } from "~/server/credits";
import { inTransaction, type DbOrTx, type Tx } from "~/server/database/transaction";
import { enqueueMail } from "~/server/mail";

import { consumeToken, hashToken, issueToken } from "./tokens";

export function verificationLink(raw: string): string {
  return new URL(`/auth/verify?token=${encodeURIComponent(raw)}`, env.APP_URL).toString();
}

/** Grants the signup bonus once per user (no-op when it is 0 or already granted). */
export async function grantSignupBonus(
  tx: Tx,
  userId: string,
  bonus: number = env.SIGNUP_BONUS_CREDITS,
): Promise<void> {
  if (bonus > 0)
    await grant(tx, { userId, amount: bonus, reason: "signup_bonus", refType: SIGNUP_BONUS_REF_TYPE, refId: userId });
}

/** Queues a verification mail with a fresh link (in the caller's transaction). */
export async function queueVerificationMail(
  tx: Tx,
  user: { id: string; email: string },
  locale: string,
): Promise<void> {
  const raw = await issueToken(tx, { userId: user.id, email: user.email, purpose: "verify_email" });
  await enqueueMail(tx, {
    to: user.email,
    template: "verify_email",
    locale,
    params: { link: verificationLink(raw), bonus: env.SIGNUP_BONUS_CREDITS },
  });
}

export type VerifyOutcome = "verified" | "invalid";

/**
 * Confirms the address the link was sent to and grants the bonus. A link that was already used
 * for an address that is now verified answers "verified" again (the second tab, a double click)
 * without granting anything.
 */
export async function verifyEmail(
  db: DbOrTx,
  raw: string,
  bonus: number = env.SIGNUP_BONUS_CREDITS,
): Promise<VerifyOutcome> {
  return inTransaction(db, async (tx) => {
    const token = await consumeToken(tx, raw, "verify_email");
    if (!token) {
      const used = await tx.accountToken.findUnique({
        where: { tokenHash: hashToken(raw) },
        include: { user: { select: { email: true, emailVerified: true } } },
      });
      const alreadyDone =
        used?.purpose === "verify_email" && used.usedAt && used.user.emailVerified && used.user.email === used.email;
      return alreadyDone ? "verified" : "invalid";
    }
    // The link only vouches for the address it went to; if the account's email changed since, it proves nothing.
    const updated = await tx.user.updateMany({
      where: { id: token.userId, email: token.email },
      data: { emailVerified: new Date() },
    });
    if (updated.count === 0) return "invalid";
    await grantSignupBonus(tx, token.userId, bonus);
    return "verified";
  });
}

export type ResendOutcome = "sent" | "already_verified";

/** A new verification mail for a signed-in user who has not verified yet. The caller rate-limits. */
export async function resendVerification(db: DbOrTx, userId: string, locale: string): Promise<ResendOutcome> {
  return inTransaction(db, async (tx) => {
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, emailVerified: true },
    });
    if (user.emailVerified || !user.email) return "already_verified";
    await queueVerificationMail(tx, { id: user.id, email: user.email }, locale);
    return "sent";
  });
}
