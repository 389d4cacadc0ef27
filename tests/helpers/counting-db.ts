import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { PrismaClient } from "~/generated/prisma/client";
import type { Db } from "~/server/db";

import type { TestDb } from "./test-db";

export interface CountingDb {
  db: Db;
  /** The round trips to the database so far, in order: each statement's SQL, "BEGIN" and "COMMIT"/"ROLLBACK". */
  statements: string[];
  close(): Promise<void>;
}

/**
 * A second client on the test database that records every round trip its driver adapter makes
 * (statements, and a transaction's BEGIN and COMMIT), to pin how many a code path takes.
 */
export function countingDb(t: TestDb): CountingDb {
  const statements: string[] = [];
  const record = (sql: string) => {
    // Some adapters also send a transaction's BEGIN / COMMIT as statements: each counted once, as
    // startTransaction() and commit() / rollback().
    if (!/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql)) statements.push(sql.replace(/\s+/g, " ").trim());
  };
  const countQueries = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (prop === "queryRaw" || prop === "executeRaw")
          return (query: { sql: string }) => (record(query.sql), fn.call(obj, query));
        if (prop === "commit") return () => (statements.push("COMMIT"), fn.call(obj));
        if (prop === "rollback") return () => (statements.push("ROLLBACK"), fn.call(obj));
        if (prop === "startTransaction")
          return async (...args: unknown[]) => {
            statements.push("BEGIN");
            return countQueries((await fn.apply(obj, args)) as Transaction);
          };
        return fn.bind(obj);
      },
    });
  const inner: SqlDriverAdapterFactory = t.url
    ? new PrismaPg({ connectionString: t.url, max: 4 })
    : new PrismaPGlite(t.pglite!);
  const factory: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => countQueries<SqlDriverAdapter>(await inner.connect()),
  };
  const db = new PrismaClient({ adapter: factory });
  return { db, statements, close: () => db.$disconnect() };
}
