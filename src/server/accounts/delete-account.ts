import { verifyPassword } from "~/server/auth/password";
import { WrongPasswordError } from "~/server/auth/password-reset";
import { endAllSessions } from "~/server/auth/sessions";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";
import { leaveTeamsForDeletion } from "~/server/teams";

import { AccountBusyError, DeletionNotConfirmedError } from "./errors";

export interface DeleteAccountInput {
  userId: string;
  /** Required when the account has a password. */
  password?: string;
  /** Accounts without a password (GitHub/Google only) type their email instead. */
  confirmEmail?: string;
}

/**
 * Deletes what the person put into Tally: conversations and their messages, sessions, OAuth links,
 * mail links (tokens) and mail still addressed to them. Kept, for accounting, is what money touched:
 * the credit ledger and purchases stay attached to the user row, which is anonymised (no name,
 * email, image or password) and marked deleted, so refunds and disputes still find their purchase.
 */
export async function deleteAccount(db: DbOrTx, input: DeleteAccountInput): Promise<void> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: input.userId },
    select: { email: true, passwordHash: true, deletedAt: true },
  });
  if (user.deletedAt) return;
  if (user.passwordHash) {
    if (!(await verifyPassword(user.passwordHash, input.password ?? ""))) throw new WrongPasswordError();
  } else if (!user.email || input.confirmEmail?.trim().toLowerCase() !== user.email.toLowerCase()) {
    throw new DeletionNotConfirmedError();
  }

  await inTransaction(db, async (tx) => {
    // Lock the user row: a reply starting now waits, and one in progress is seen by its hold.
    const [row] = await tx.$queryRaw<
      { heldCredits: number }[]
    >`SELECT "heldCredits" FROM "User" WHERE id = ${input.userId} FOR UPDATE`;
    if ((row?.heldCredits ?? 0) > 0) throw new AccountBusyError();
    // Before anything is erased: an owner of a team with members is refused here and keeps everything.
    await leaveTeamsForDeletion(tx, input.userId);
    await tx.conversation.deleteMany({ where: { userId: input.userId } });
    await tx.accountToken.deleteMany({ where: { userId: input.userId } });
    await tx.account.deleteMany({ where: { userId: input.userId } });
    if (user.email) await tx.mailOutbox.deleteMany({ where: { to: user.email } });
    await tx.user.update({
      where: { id: input.userId },
      data: { name: null, email: null, emailVerified: null, image: null, passwordHash: null, deletedAt: new Date() },
    });
    await endAllSessions(tx, input.userId);
  });
  logEvent("account_deleted", { userId: input.userId });
}
