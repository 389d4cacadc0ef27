/**
 * Creating accounts. Every new user — email sign-up or first OAuth sign-in — is created here,
 * with the signup bonus granted in the same transaction (ref signup_bonus:<userId>), so a user
 * never exists without their bonus and never gets it twice.
 */
import { env } from "~/env";
import { Prisma, type User } from "~/generated/prisma/client";
import { grant } from "~/server/credits";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";

import { EmailTakenError } from "./errors";
import { hashPassword } from "./password";

export interface NewAccount {
  email: string;
  name?: string | null;
  image?: string | null;
  emailVerified?: Date | null;
  passwordHash?: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAccount(db: DbOrTx, input: NewAccount, bonus: number = env.SIGNUP_BONUS_CREDITS): Promise<User> {
  try {
    return await inTransaction(db, async (tx) => {
      const user = await tx.user.create({
        data: {
          email: normaliseEmail(input.email),
          name: input.name ?? null,
          image: input.image ?? null,
          emailVerified: input.emailVerified ?? null,
          passwordHash: input.passwordHash ?? null,
        },
      });
      if (bonus > 0) {
        await grant(tx, { userId: user.id, amount: bonus, reason: "signup_bonus", refType: "signup_bonus", refId: user.id });
      }
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
 * caller answers both the same way (no account enumeration), and the password is hashed either
 * way so timing does not tell them apart either.
 */
export async function signUpWithPassword(db: DbOrTx, input: { email: string; password: string; name?: string }): Promise<User | null> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return null;
  try {
    return await createAccount(db, { email, name: input.name, passwordHash });
  } catch (error) {
    if (error instanceof EmailTakenError) return null; // lost the race to a concurrent sign-up
    throw error;
  }
}
