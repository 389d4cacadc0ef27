import { randomUUID } from "node:crypto";

import type { Db } from "~/server/db";

/** A bare account with no credits; tests grant what they need through the ledger. */
export async function createUser(
  db: Db,
  email = `u-${randomUUID()}@test.local`,
): Promise<{ id: string; email: string }> {
  const user = await db.user.create({ data: { email } });
  return { id: user.id, email };
}

/** balance on the account row must always equal the sum of its ledger rows. */
export async function ledgerSum(db: Db, userId: string): Promise<number> {
  const agg = await db.creditLedger.aggregate({ where: { userId, teamId: null }, _sum: { amount: true } });
  return agg._sum.amount ?? 0;
}
