import type pg from "pg";

/** Users whose balance differs from the sum of their ledger rows (must be none). */
export async function balanceMismatches(sql: pg.Pool, userIds: string[]): Promise<string[]> {
  const r = await sql.query<{ id: string; balance: number; ledger: string | null }>(
    `SELECT u.id, u.balance, (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."userId" = u.id) AS ledger
       FROM "User" u WHERE u.id = ANY($1)`,
    [userIds],
  );
  if (r.rows.length !== userIds.length) return [`expected ${userIds.length} users, found ${r.rows.length}`];
  return r.rows
    .filter((row) => Number(row.ledger ?? 0) !== Number(row.balance))
    .map((row) => `${row.id}: balance ${row.balance} ≠ ledger ${row.ledger}`);
}

export async function balanceOf(sql: pg.Pool, userId: string): Promise<number> {
  const r = await sql.query<{ balance: number }>(`SELECT balance FROM "User" WHERE id = $1`, [userId]);
  if (!r.rows[0]) throw new Error(`no user ${userId}`);
  return Number(r.rows[0].balance);
}
