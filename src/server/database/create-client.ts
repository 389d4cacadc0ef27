import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { PrismaClient } from "~/generated/prisma/client";
import { logEvent } from "~/server/log";

import { attachDriverPool } from "./driver-rows";
import { loadMigrations, migrate } from "./migrate";
import { openEmbedded, type EmbeddedAccess } from "./open-embedded";
import { pgliteRunner } from "./runners";

export type Db = PrismaClient;

export interface DbTarget {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** PGlite data directory, or "memory://" for a throwaway in-memory database. */
  pgliteDir?: string;
  /** Max pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: the hot statements go as prepared statements (default); false behind a pooler that cannot keep them. */
  preparedStatements?: boolean;
}

export interface DbHandle {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
  /** In-memory PGlite only: the embedded instance. */
  pglite?: PGlite;
}

/**
 * Connects lazily: PostgreSQL and a PGlite directory are opened on the first query, so
 * importing this during `next build` opens no database. (A `memory://` PGlite starts its
 * in-process engine at once; it is migrated on the first query.) PostgreSQL is migrated explicitly
 * (`npm run db:migrate`). An embedded PGlite directory is opened by exactly one process
 * (see open-embedded.ts): when its owner runs (the dev stack), this connects to it over the
 * PostgreSQL protocol; otherwise this process owns it and applies pending migrations on open.
 */
export function createDbHandle(target: DbTarget): DbHandle {
  if (target.databaseUrl) {
    // One pool for Prisma and for the hot statements sent to the driver (driver-rows.ts).
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: target.poolSize ?? 10 });
    // An idle connection dropped by the server (a restart, a failover, an idle timeout) is replaced on
    // the next checkout: it must not crash the process, but the operator should see it happen.
    pool.on("error", (error: Error & { code?: string }) =>
      logEvent("database_idle_connection_lost", { code: error.code ?? null, error: error.message }, "warn"),
    );
    const db = new PrismaClient({ adapter: new PrismaPg(pool) });
    attachDriverPool(db, pool, { preparedStatements: target.preparedStatements });
    return {
      db,
      kind: "postgres",
      async close() {
        await db.$disconnect();
        if (!pool.ended) await pool.end();
      },
    };
  }

  const dir = target.pgliteDir ?? ".data/pglite";
  if (dir.includes("://")) return inProcessPglite(new PGlite(dir));

  let opened: Promise<{ adapter: SqlDriverAdapterFactory; access: EmbeddedAccess }> | undefined;
  const open = async () => {
    const access = await openEmbedded(dir);
    if (access.via === "owner")
      return { access, adapter: new PrismaPg({ connectionString: access.url, max: target.poolSize ?? 10 }) };
    try {
      await migrate(pgliteRunner(access.pglite), await loadMigrations());
    } catch (error) {
      await access.close();
      throw error;
    }
    return { access, adapter: new PrismaPGlite(access.pglite) };
  };
  const adapter: SqlDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "tally-embedded",
    async connect() {
      // A busy directory fails this request, not every later one: the next query tries again.
      opened ??= open().catch((error: unknown) => {
        opened = undefined;
        throw error;
      });
      return (await opened).adapter.connect();
    },
  };
  const db = new PrismaClient({ adapter });
  return {
    db,
    kind: "pglite",
    async close() {
      await db.$disconnect();
      const access = opened && (await opened.catch(() => undefined))?.access;
      if (access?.via === "direct") await access.close();
    },
  };
}

/** A PGlite instance private to this process (memory://), migrated on first use. */
function inProcessPglite(pglite: PGlite): DbHandle {
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
