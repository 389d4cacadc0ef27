import type { Db } from "~/server/db";

/** Row counts of every money/content table plus every balance: equal snapshots mean nothing was written. */
export async function snapshot(db: Db): Promise<Record<string, unknown>> {
  const [users, ledger, holds, purchases, events, conversations, messages, balances] = await Promise.all([
    db.user.count(),
    db.creditLedger.count(),
    db.creditHold.count(),
    db.purchase.count(),
    db.stripeEvent.count(),
    db.conversation.count(),
    db.message.count(),
    db.user.findMany({ select: { id: true, balance: true, heldCredits: true }, orderBy: { id: "asc" } }),
  ]);
  return { users, ledger, holds, purchases, events, conversations, messages, balances };
}

/**
 * For every user's own account and every team's pool: balance == sum of its ledger rows, and held ==
 * sum of its active holds (a pool's rows carry teamId; a user's own have none).
 */
export async function ledgerInvariantViolations(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<
    { id: string; balance: number; held: number; ledger: bigint | null; active: bigint | null }[]
  >`
    SELECT u.id, u.balance, u."heldCredits" AS held,
           (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."userId" = u.id AND l."teamId" IS NULL) AS ledger,
           (SELECT SUM(amount) FROM "CreditHold" h
             WHERE h."userId" = u.id AND h."teamId" IS NULL AND h.status = 'active') AS active
      FROM "User" u
    UNION ALL
    SELECT 'team ' || t.id, t.balance, t."heldCredits",
           (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."teamId" = t.id),
           (SELECT SUM(amount) FROM "CreditHold" h WHERE h."teamId" = t.id AND h.status = 'active')
      FROM "Team" t`;
  return rows.flatMap((r) => {
    const problems: string[] = [];
    if (Number(r.ledger ?? 0) !== Number(r.balance))
      problems.push(`${r.id}: balance ${r.balance} != ledger ${r.ledger ?? 0}`);
    if (Number(r.active ?? 0) !== Number(r.held))
      problems.push(`${r.id}: held ${r.held} != active holds ${r.active ?? 0}`);
    return problems;
  });
}
