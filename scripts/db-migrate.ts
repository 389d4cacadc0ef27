// npm run db:migrate — applies prisma/migrations to DATABASE_URL, or to the embedded PGlite database
// (through its owner when `npm run dev`/`npm run serve` runs, otherwise by opening it exclusively).
import pg from "pg";

import { loadMigrations, migrate, type MigrateResult } from "~/server/database/migrate";
import { openEmbedded } from "~/server/database/open-embedded";
import { pgliteRunner, pgRunner } from "~/server/database/runners";

async function migrateOver(url: string): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await migrate(pgRunner(client), await loadMigrations());
  } finally {
    await client.end();
  }
}

async function main(): Promise<{ target: string; result: MigrateResult }> {
  if (process.env.DATABASE_URL) return { target: "PostgreSQL", result: await migrateOver(process.env.DATABASE_URL) };
  const dir = process.env.PGLITE_DATA_DIR ?? ".data/pglite";
  const access = await openEmbedded(dir);
  if (access.via === "owner") {
    return { target: `PGlite (${dir}, through pid ${access.owner.pid})`, result: await migrateOver(access.url) };
  }
  try {
    return { target: `PGlite (${dir})`, result: await migrate(pgliteRunner(access.pglite), await loadMigrations()) };
  } finally {
    await access.close();
  }
}

main().then(
  ({ target, result }) => {
    console.log(
      `db:migrate on ${target}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied.`,
    );
    for (const name of result.applied) console.log(`  applied ${name}`);
  },
  (e: unknown) => {
    console.error(`db:migrate failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
