/**
 * Who may see and act on a team's purchases: the buyer, and the team's owner and admins (the
 * roles that buy). Everyone else learns nothing about them.
 */
import { roleAtLeast } from "~/lib/teams";
import type { DbOrTx } from "~/server/database/transaction";
import { requireTeamRole } from "~/server/teams/access";

import { purchasePage, type PurchasePage } from "./purchases";

/** True when `userId` is the team's owner or an admin (a non-member is simply not). */
export async function isTeamAdmin(db: DbOrTx, teamId: string, userId: string): Promise<boolean> {
  const membership = await db.teamMember.findUnique({
    where: { teamId_userId: { teamId, userId } },
    select: { role: true },
  });
  return membership !== null && roleAtLeast(membership.role, "admin");
}

/** A purchase `userId` may confirm or cancel: their own, or one for a team they administer. */
export async function mayManagePurchase(
  db: DbOrTx,
  userId: string,
  purchase: { userId: string; teamId: string | null },
): Promise<boolean> {
  if (purchase.teamId) return purchase.userId === userId || isTeamAdmin(db, purchase.teamId, userId);
  return purchase.userId === userId;
}

/** The team's purchases, newest first, for its owner and admins (a member: FORBIDDEN; anyone else: NOT_FOUND). */
export async function listTeamPurchases(
  db: DbOrTx,
  userId: string,
  teamId: string,
  opts: { cursor?: string; limit: number },
): Promise<PurchasePage> {
  await requireTeamRole(db, teamId, userId, "admin");
  return purchasePage(db, { teamId }, opts);
}
