/**
 * Creating accounts. Every new user — email sign-up or first OAuth sign-in — is created here.
 * The signup bonus (ref signup_bonus:<userId>) comes in the same transaction only when the email
 * is already verified (an OAuth provider vouched for it); otherwise a verification mail is queued
 * in that transaction and the bonus waits for the link (see verification.ts).
 */
import { env } from "~/env";
import { Prisma, type User } from "~/generated/prisma/client";
import { DEFAULT_LOCALE } from "~/i18n/locales";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";
import { enqueueMail } from "~/server/mail";

import { EmailTakenError } from "./errors";
import { hashPassword } from "./password";
import { grantSignupBonus, queueVerificationMail } from "./verification";

export interface NewAccount {
  email: string;
  name?: string | null;
  image?: string | null;
  emailVerified?: Date | null;
  passwordHash?: string | null;
  /** Language of the verification mail, kept for later mail (User.locale). */
  locale?: string;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAccount(
  db: DbOrTx,
  input: NewAccount,
  bonus: number = env.SIGNUP_BONUS_CREDITS,
): Promise<User> {
  try {
    return await inTransaction(db, async (tx) => {
      const user = await tx.user.create({
        data: {
          email: normaliseEmail(input.email),
          name: input.name ?? null,
          image: input.image ?? null,
          emailVerified: input.emailVerified ?? null,
          passwordHash: input.passwordHash ?? null,
          // Mail that answers no request (the low-balance alert) is written in the sign-up's language.
          locale: input.locale ?? null,
        },
      });
      if (user.emailVerified) await grantSignupBonus(tx, user.id, bonus);
      else if (user.email)
        await queueVerificationMail(tx, { id: user.id, email: user.email }, input.locale ?? DEFAULT_LOCALE);
      return tx.user.findUniqueOrThrow({ where: { id: user.id } });
    });
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets a clean error.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new EmailTakenError();
    throw error;
  }
}

/**
 * Email sign-up. Returns the new user, or null when the email already has an account — the
 * caller answers both the same way (no account enumeration): the password is hashed either way
 * so timing does not tell them apart, and the owner gets a mail saying someone tried.
 */
export async function signUpWithPassword(
  db: DbOrTx,
  input: { email: string; password: string; name?: string; locale?: string },
): Promise<User | null> {
  const email = normaliseEmail(input.email);
  const locale = input.locale ?? DEFAULT_LOCALE;
  const passwordHash = await hashPassword(input.password);
  try {
    if (!(await db.user.findUnique({ where: { email }, select: { id: true } }))) {
      return await createAccount(db, { email, name: input.name, passwordHash, locale });
    }
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error; // else: lost the race to a concurrent sign-up
  }
  // At most a few such notices an hour, so sign-up attempts cannot be used to flood the owner's inbox.
  const recent = await db.mailOutbox.count({
    where: { to: email, template: "account_exists", createdAt: { gt: new Date(Date.now() - 3_600_000) } },
  });
  if (recent < 3) {
    await inTransaction(db, (tx) =>
      enqueueMail(tx, {
        to: email,
        template: "account_exists",
        locale,
        params: { link: new URL("/auth/reset", env.APP_URL).toString() },
      }),
    );
  }
  return null;
}
