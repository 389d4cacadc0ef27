// npm run db:migrate — applies prisma/migrations to DATABASE_URL, or to the embedded PGlite database.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

import { loadMigrations, migrate, type MigrateResult } from "~/server/database/migrate";
import { pgliteRunner, pgRunner } from "~/server/database/runners";

async function main(): Promise<MigrateResult> {
  const files = await loadMigrations();
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await migrate(pgRunner(client), files);
    } finally {
      await client.end();
    }
  }
  const dir = process.env.PGLITE_DATA_DIR ?? ".data/pglite";
  const db = new PGlite(dir);
  try {
    return await migrate(pgliteRunner(db), files);
  } finally {
    await db.close();
  }
}

main().then(
  (r) => {
    const target = process.env.DATABASE_URL ? "PostgreSQL" : `PGlite (${process.env.PGLITE_DATA_DIR ?? ".data/pglite"})`;
    console.log(`db:migrate on ${target}: ${r.applied.length} applied, ${r.alreadyApplied.length} already applied.`);
    for (const name of r.applied) console.log(`  applied ${name}`);
  },
  (e: unknown) => {
    console.error(`db:migrate failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
