import { randomUUID } from "node:crypto";

import type pg from "pg";

/**
 * The floor of a credit write on one account: lock → ledger insert → balance update, in
 * hand-written SQL over plain pg (case 3's floor; case 3b compares the hold path with it too).
 */
export async function rawSpend(pool: pg.Pool, userId: string, refId: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    const { rows } = await c.query<{ balance: number }>(`SELECT balance FROM "User" WHERE id = $1 FOR UPDATE`, [
      userId,
    ]);
    const after = Number(rows[0]!.balance) - 1;
    await c.query(
      `INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId") VALUES ($1, $2, -1, $3, 'chat_usage', 'bench_raw', $4)`,
      [randomUUID(), userId, after, refId],
    );
    await c.query(`UPDATE "User" SET balance = $1, "updatedAt" = now() WHERE id = $2`, [after, userId]);
    await c.query("COMMIT");
  } catch (error) {
    await c.query("ROLLBACK");
    throw error;
  } finally {
    c.release();
  }
}
