import type { DbOrTx } from "~/server/database/transaction";

export interface Profile {
  name: string | null;
  email: string | null;
  emailVerified: boolean;
  /** False for accounts that only sign in with GitHub/Google: deletion is then confirmed by typing the email. */
  hasPassword: boolean;
}

export async function getProfile(db: DbOrTx, userId: string): Promise<Profile> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { name: true, email: true, emailVerified: true, passwordHash: true },
  });
  return {
    name: user.name,
    email: user.email,
    emailVerified: Boolean(user.emailVerified),
    hasPassword: Boolean(user.passwordHash),
  };
}

/** Sets the display name; null clears it (the app then shows the email). */
export async function updateDisplayName(
  db: DbOrTx,
  userId: string,
  name: string | null,
): Promise<{ name: string | null }> {
  const user = await db.user.update({
    where: { id: userId },
    data: { name: name?.trim() || null },
    select: { name: true },
  });
  return { name: user.name };
}
