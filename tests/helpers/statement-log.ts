import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { PrismaClient } from "~/generated/prisma/client";
import type { Db } from "~/server/database/create-client";
import { attachDriverPool } from "~/server/database/driver-rows";

import type { TestDb } from "./test-db";

export interface LoggedDb {
  /**
   * A second Prisma client on the same database whose driver adapter records what it sends; on
   * PostgreSQL it also has the app's driver pool (driver-rows.ts), whose statements are recorded too.
   */
  db: Db;
  /** Every statement sent, in order, one per round trip; BEGIN / COMMIT / ROLLBACK included. */
  statements: string[];
  close(): Promise<void>;
}

/**
 * Records each round trip at the driver adapter: every query, and a transaction's BEGIN and its
 * end. (The pg adapter sends BEGIN inside startTransaction and COMMIT as a query; PGlite's
 * transactions send neither as a query, usePhantomQuery, so commit() and rollback() count there.)
 */
function recorded<T extends SqlDriverAdapter | Transaction>(target: T, log: string[], after: AfterStatement): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value !== "function") return value;
      const call = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args);
      switch (key) {
        case "queryRaw":
        case "executeRaw":
          return async (query: SqlQuery) => {
            log.push(query.sql);
            const result = await call(query);
            await after(query.sql);
            return result;
          };
        case "executeScript":
          return (script: string) => (log.push(script), call(script));
        case "startTransaction":
          return async (...args: unknown[]) => (
            log.push("BEGIN"),
            recorded((await call(...args)) as Transaction, log, after)
          );
        case "commit":
        case "rollback":
          return () => {
            if ((obj as Transaction).options.usePhantomQuery) log.push(key.toUpperCase());
            return call();
          };
        default:
          return call;
      }
    },
  });
}

/** Runs once a statement's result is back, before its caller sees it (to stage a race in between). */
type AfterStatement = (sql: string) => Promise<void> | void;

export async function loggedDb(t: TestDb, after: AfterStatement = () => {}): Promise<LoggedDb> {
  const statements: string[] = [];
  let inner: SqlDriverAdapterFactory;
  let pool: pg.Pool | undefined;
  if (t.pglite) {
    await t.db.$queryRaw`SELECT 1`; // t.db migrates the in-memory database on its first query
    inner = new PrismaPGlite(t.pglite);
  } else if (t.url) {
    inner = new PrismaPg({ connectionString: t.url, max: 4 });
    // The driver path's own pool (the app shares one with Prisma's adapter, which uses pool.query too).
    pool = new pg.Pool({ connectionString: t.url, max: 4 });
    const query = pool.query.bind(pool) as (config: { text: string }) => Promise<unknown>;
    pool.query = (async (config: { text: string }) => {
      statements.push(config.text);
      const result = await query(config);
      await after(config.text);
      return result;
    }) as never;
  } else throw new Error("loggedDb needs an in-memory PGlite or a PostgreSQL test database");
  const adapter: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => recorded(await inner.connect(), statements, after),
  };
  const db = new PrismaClient({ adapter });
  if (pool) attachDriverPool(db, pool);
  return {
    db,
    statements,
    async close() {
      await db.$disconnect();
      await pool?.end();
    },
  };
}
