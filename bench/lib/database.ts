import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";

import pg from "pg";

export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database on TEST_POSTGRES_URL, migrated with the project's own `db:migrate`. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `tally_bench_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db: BenchDatabase = {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], {
    env: { ...process.env, DATABASE_URL: db.url },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    await db.drop();
    throw new Error(`db:migrate failed: ${r.stderr || r.stdout}`);
  }
  return db;
}
