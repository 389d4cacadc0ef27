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
import { createHash } from "node:crypto";

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

/**
 * Distinct statement texts get a prepared-statement name each, up to this many: PostgreSQL then
 * parses and plans a hot statement once per connection instead of on every call (the credit
 * writes are CTEs of several tables: bench/README.md has what that saves). The texts are the code's own
 * (values are parameters), so they are few; past the cap a text runs unnamed, so a statement
 * built with a varying shape can never grow every connection's cache without bound.
 */
export const MAX_NAMED_STATEMENTS = 200;
/** A text's name; null once it must go unnamed (a migration outdated its prepared statement). */
const statementNames = new Map<string, string | null>();

// Named by the text's hash, not a counter: after a dev hot reload empties this map, the pool's
// connections (which survive it) still hold each name for the same text.
function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined) return known ?? undefined;
  if (statementNames.size >= MAX_NAMED_STATEMENTS) return undefined;
  const name = `tally_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
  statementNames.set(text, name);
  return name;
}

function isStalePreparedStatement(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === "0A000" && e.message === "cached plan must not change result type";
}

interface DriverPath {
  pool: pg.Pool;
  /** false: every statement unnamed (a pooler in transaction mode that cannot keep prepared statements). */
  preparedStatements: boolean;
}

/**
 * Lets driverRows send a root client's statements straight to `pool` (the one its adapter uses),
 * as prepared statements unless `preparedStatements` is false (DATABASE_PREPARED_STATEMENTS=0).
 */
export function attachDriverPool(db: object, pool: pg.Pool, { preparedStatements = true } = {}): void {
  Object.defineProperty(db, POOL, { value: { pool, preparedStatements } satisfies DriverPath });
}

export async function driverRows<T>(db: DbOrTx, sql: Prisma.Sql): Promise<T[]> {
  const driver = isTransaction(db) ? undefined : (db as { [POOL]?: DriverPath })[POOL];
  if (!driver) return db.$queryRaw<T[]>(sql);
  const { pool } = driver;
  const values = sql.values.map((v) => (v instanceof Date ? v.toISOString() : v));
  const name = driver.preparedStatements ? statementName(sql.text) : undefined;
  try {
    return (await pool.query({ name, text: sql.text, values, types })).rows as T[];
  } catch (error) {
    if (!name || !isStalePreparedStatement(error)) throw error;
    // A migration changed a table this statement returns whole (a new column) while this process
    // ran: PostgreSQL refuses the prepared statement before running it, so sending it unnamed
    // (planned afresh) is safe, and from now on this text always goes unnamed.
    statementNames.set(sql.text, null);
    return (await pool.query({ text: sql.text, values, types })).rows as T[];
  }
}
