/**
 * Many signed-in accounts at once, fast: users with a balance and its ledger row, a session row and a
 * conversation each, inserted with generate_series in one transaction (10,000 in well under a
 * second), and for each a session cookie minted the way next-auth's sign-in writes it (the JWE
 * `encode` of @auth/core with the server's AUTH_SECRET, naming the session row). Signing 10,000
 * people up through the API would take minutes and measure sign-up, not the load after it.
 */
import { encode } from "@auth/core/jwt";
import type pg from "pg";

import { BENCH_AUTH_SECRET } from "./server";

/** The session cookie over http (the bench's APP_URL); __Secure- would be its https name. */
const COOKIE = "authjs.session-token";

export interface SeededAccounts {
  count: number;
  userId(i: number): string;
  conversationId(i: number): string;
  /** The Cookie header of account i (minted on first use). */
  cookie(i: number): Promise<string>;
}

export async function seedAccounts(
  sql: pg.Pool,
  prefix: string,
  count: number,
  credits: number,
): Promise<SeededAccounts> {
  const client = await sql.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "User" (id, email, "emailVerified", balance, "createdAt", "updatedAt")
       SELECT $1 || 'u' || g, $1 || 'u' || g || '@example.test', now(), $3, now(), now() FROM generate_series(1, $2::int) g`,
      [prefix, count, credits],
    );
    await client.query(
      `INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId", note)
       SELECT $1 || 'l' || g, $1 || 'u' || g, $3, $3, 'adjustment', 'operator', $1 || 'seed' || g, 'bench seed'
         FROM generate_series(1, $2::int) g`,
      [prefix, count, credits],
    );
    await client.query(
      `INSERT INTO "Session" (id, "sessionToken", "userId", expires, "createdAt", "lastSeenAt")
       SELECT $1 || 'x' || g, $1 || 's' || g, $1 || 'u' || g, now() + interval '7 days', now(), now()
         FROM generate_series(1, $2::int) g`,
      [prefix, count],
    );
    await client.query(
      `INSERT INTO "Conversation" (id, "userId", title, "createdAt", "updatedAt")
       SELECT $1 || 'c' || g, $1 || 'u' || g, 'Bench', now(), now() FROM generate_series(1, $2::int) g`,
      [prefix, count],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  // Fresh statistics, or the planner guesses on tables that just grew by 10,000 rows.
  await sql.query(`ANALYZE "User", "CreditLedger", "Session", "Conversation"`);
  const cookies = new Map<number, Promise<string>>();
  const userId = (i: number) => `${prefix}u${i + 1}`;
  return {
    count,
    userId,
    conversationId: (i) => `${prefix}c${i + 1}`,
    cookie(i) {
      let c = cookies.get(i);
      if (!c) {
        c = encode({
          token: { sub: userId(i), sid: `${prefix}s${i + 1}` },
          secret: BENCH_AUTH_SECRET,
          salt: COOKIE,
        }).then((jwt) => `${COOKIE}=${jwt}`);
        cookies.set(i, c);
      }
      return c;
    },
  };
}
