import type pg from "pg";

/** Users whose balance differs from the sum of their own ledger rows (pool rows excluded; must be none). */
export async function balanceMismatches(sql: pg.Pool, userIds: string[]): Promise<string[]> {
  const r = await sql.query<{ id: string; balance: number; ledger: string | null }>(
    `SELECT u.id, u.balance,
            (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."userId" = u.id AND l."teamId" IS NULL) AS ledger
       FROM "User" u WHERE u.id = ANY($1)`,
    [userIds],
  );
  if (r.rows.length !== userIds.length) return [`expected ${userIds.length} users, found ${r.rows.length}`];
  return r.rows
    .filter((row) => Number(row.ledger ?? 0) !== Number(row.balance))
    .map((row) => `${row.id}: balance ${row.balance} ≠ ledger ${row.ledger ?? 0}`);
}

export async function balanceOf(sql: pg.Pool, userId: string): Promise<number> {
  const r = await sql.query<{ balance: number }>(`SELECT balance FROM "User" WHERE id = $1`, [userId]);
  if (!r.rows[0]) throw new Error(`no user ${userId}`);
  return Number(r.rows[0].balance);
}

/**
 * Team pools whose balance differs from the sum of their ledger rows, or whose heldCredits differs
 * from the sum of their active holds (must be none).
 */
export async function poolMismatches(sql: Pick<pg.Pool, "query">, teamIds: string[]): Promise<string[]> {
  const r = await sql.query<{
    id: string;
    balance: number;
    held: number;
    ledger: string | null;
    active: string | null;
  }>(
    `SELECT t.id, t.balance, t."heldCredits" AS held,
            (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."teamId" = t.id) AS ledger,
            (SELECT SUM(amount) FROM "CreditHold" h WHERE h."teamId" = t.id AND h.status = 'active') AS active
       FROM "Team" t WHERE t.id = ANY($1)`,
    [teamIds],
  );
  if (r.rows.length !== teamIds.length) return [`expected ${teamIds.length} teams, found ${r.rows.length}`];
  return r.rows.flatMap((row) => [
    ...(Number(row.ledger ?? 0) !== Number(row.balance)
      ? [`team ${row.id}: balance ${row.balance} ≠ ledger ${row.ledger ?? 0}`]
      : []),
    ...(Number(row.active ?? 0) !== Number(row.held)
      ? [`team ${row.id}: held ${row.held} ≠ active holds ${row.active ?? 0}`]
      : []),
  ]);
}

export async function poolBalanceOf(sql: pg.Pool, teamId: string): Promise<number> {
  const r = await sql.query<{ balance: number }>(`SELECT balance FROM "Team" WHERE id = $1`, [teamId]);
  if (!r.rows[0]) throw new Error(`no team ${teamId}`);
  return Number(r.rows[0].balance);
}
