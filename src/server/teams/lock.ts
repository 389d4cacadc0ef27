import type { Tx } from "~/server/database/transaction";

/**
 * Takes the team row's lock for the rest of the transaction: membership changes and pool spends
 * serialise on it, so "exactly one owner" and every role check hold under concurrency. A missing
 * team locks nothing; the caller's requireTeamRole then answers NOT_FOUND as for any non-member.
 */
export async function lockTeam(tx: Tx, teamId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
}
