import { mkdirSync } from "node:fs";

import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { PrismaClient } from "~/generated/prisma/client";

import { loadMigrations, migrate } from "./migrate";
import { pgliteRunner } from "./runners";

export type Db = PrismaClient;

export interface DbTarget {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** PGlite data directory, or "memory://" for a throwaway in-memory database. */
  pgliteDir?: string;
  /** Max pool size for PostgreSQL. */
  poolSize?: number;
}

export interface DbHandle {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
  /** PGlite only: the embedded instance (tests use it to inject faults). */
  pglite?: PGlite;
}

/**
 * Opens the database lazily: nothing touches the disk or network until the first query,
 * so importing this during `next build` is harmless. The embedded PGlite database applies
 * pending migrations on first open; PostgreSQL is migrated explicitly (`npm run db:migrate`).
 */
export function createDbHandle(target: DbTarget): DbHandle {
  if (target.databaseUrl) {
    const adapter = new PrismaPg({ connectionString: target.databaseUrl, max: target.poolSize ?? 10 });
    const db = new PrismaClient({ adapter });
    return { db, kind: "postgres", close: () => db.$disconnect() };
  }

  const dir = target.pgliteDir ?? ".data/pglite";
  if (!dir.includes("://")) mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  const inner = new PrismaPGlite(pglite);
  let ready: Promise<unknown> | undefined;
  const adapter: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      ready ??= loadMigrations().then((files) => migrate(pgliteRunner(pglite), files));
      await ready;
      return inner.connect();
    },
  };
  const db = new PrismaClient({ adapter });
  return {
    db,
    kind: "pglite",
    pglite,
    async close() {
      await db.$disconnect();
      await pglite.close();
    },
  };
}
