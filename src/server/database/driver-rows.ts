/**
 * The rows of one raw statement, for the hot statements: the one-statement credit writes (spend,
 * reserve, settle, fulfilment), a send's reads and the rate-limit count.
 * On PostgreSQL's root client the statement goes straight to the pool Prisma's adapter shares
 * (same connections, same autocommit): Prisma's raw-query pipeline costs several times the
 * driver's own CPU per call, and on one hot account that CPU is what bounds the writes per second.
 * Inside a transaction, or on PGlite (one connection, which its Prisma adapter serializes), it goes
 * through $queryRaw, so it never slips between a transaction's statements.
 *
 * The values come back as $queryRaw gives them for the columns those statements return: int4 as
 * number, int8 as bigint, timestamp (UTC, as Prisma writes it) as Date, booleans, text and enums
 * as they are. Dates sent are written as UTC, as Prisma does.
 */
import pg from "pg";

import type { Prisma } from "~/generated/prisma/client";

import { isTransaction, type DbOrTx } from "./transaction";

// Symbol.for: a dev hot reload evaluates this module again while the handle (db.ts) survives it.
const POOL = Symbol.for("tally.driverPool");

const TIMESTAMP = 1114;
const INT8 = 20;

/** Parsers that read as $queryRaw does; everything else as pg does. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
    if (oid === TIMESTAMP) return (value) => new Date(`${value.replace(" ", "T")}Z`);
    if (oid === INT8) return (value) => BigInt(value);
    return pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
  },
};

/** Lets driverRows send a root client's statements straight to `pool` (the one its adapter uses). */
export function attachDriverPool(db: object, pool: pg.Pool): void {
  Object.defineProperty(db, POOL, { value: pool });
}

export async function driverRows<T>(db: DbOrTx, sql: Prisma.Sql): Promise<T[]> {
  const pool = isTransaction(db) ? undefined : (db as { [POOL]?: pg.Pool })[POOL];
  if (!pool) return db.$queryRaw<T[]>(sql);
  const values = sql.values.map((v) => (v instanceof Date ? v.toISOString() : v));
  const result = await pool.query({ text: sql.text, values, types });
  return result.rows as T[];
}
