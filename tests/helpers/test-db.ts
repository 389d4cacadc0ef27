import { randomBytes } from "node:crypto";

import pg from "pg";
import { describe } from "vitest";

import { createDbHandle, type DbHandle } from "~/server/database/create-client";
import { loadMigrations, migrate } from "~/server/database/migrate";
import { pgRunner } from "~/server/database/runners";

export type TestDbKind = "pglite" | "postgres";

/** Admin connection used to create and drop throwaway test databases. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Which databases the suites run against (both by default; CI provides PostgreSQL). */
export function testDbKinds(): TestDbKind[] {
  const raw = process.env.TEST_DB_KINDS ?? "pglite,postgres";
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s): s is TestDbKind => s === "pglite" || s === "postgres");
}

export interface TestDb extends DbHandle {
  /** postgres only: the URL of the fresh database. */
  url?: string;
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function postgresUrlFor(dbName: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Creates an empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createEmptyPostgresDb(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `tally_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: postgresUrlFor(name),
    drop: () =>
      withAdmin(async (c) => {
        // Work a test left running (a reply settling after its stream ended) finishes first: FORCE
        // would kill its query mid-flight and fail the run with an unhandled 57P01. Idle connections are fine.
        for (let waited = 0; waited < 5_000; waited += 50) {
          const { rows } = await c.query<{ busy: number }>(
            `SELECT count(*)::int AS busy FROM pg_stat_activity WHERE datname = $1 AND state <> 'idle'`,
            [name],
          );
          if (!rows[0]?.busy) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** A fresh, fully migrated database of the given kind. Call close() in afterAll. */
export async function createTestDb(kind: TestDbKind, opts: { poolSize?: number } = {}): Promise<TestDb> {
  if (kind === "pglite") {
    return createDbHandle({ pgliteDir: "memory://" });
  }
  const empty = await createEmptyPostgresDb();
  const client = new pg.Client({ connectionString: empty.url });
  await client.connect();
  try {
    await migrate(pgRunner(client), await loadMigrations());
  } finally {
    await client.end();
  }
  const handle = createDbHandle({ databaseUrl: empty.url, poolSize: opts.poolSize ?? 20 });
  return {
    ...handle,
    url: empty.url,
    async close() {
      await handle.close();
      await empty.drop();
    },
  };
}

/** describe() once per database kind, e.g. `describeEachDb("ledger", (kind) => { ... })`. */
export function describeEachDb(name: string, fn: (kind: TestDbKind) => void): void {
  for (const kind of testDbKinds()) {
    describe(`${name} [${kind}]`, () => fn(kind));
  }
}
