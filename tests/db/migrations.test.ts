import { mkdtempSync, cpSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checksumOf, loadMigrations, migrate, MigrationError, type SqlRunner } from "~/server/database/migrate";
import { pgliteRunner, pgRunner } from "~/server/database/runners";

import { readDatabaseShape } from "../helpers/database-shape";
import { expectedShape, loadSchemaDmmf } from "../helpers/schema-model";
import { createEmptyPostgresDb, testDbKinds, type TestDbKind } from "../helpers/test-db";

async function openEmpty(kind: TestDbKind): Promise<{ sql: SqlRunner; close: () => Promise<void> }> {
  if (kind === "pglite") {
    const db = new PGlite("memory://");
    return { sql: pgliteRunner(db), close: () => db.close() };
  }
  const empty = await createEmptyPostgresDb();
  const client = new pg.Client({ connectionString: empty.url });
  await client.connect();
  return {
    sql: pgRunner(client),
    close: async () => {
      await client.end();
      await empty.drop();
    },
  };
}

for (const kind of testDbKinds()) {
  describe(`migrations [${kind}]`, () => {
    let h: Awaited<ReturnType<typeof openEmpty>>;
    beforeAll(async () => {
      h = await openEmpty(kind);
    });
    afterAll(() => h.close());

    it("a fresh database migrates to exactly the shape schema.prisma describes (no drift)", async () => {
      const files = await loadMigrations();
      const result = await migrate(h.sql, files);
      expect(result.applied).toEqual(files.map((f) => f.name));
      const actual = await readDatabaseShape(h.sql);
      const expected = expectedShape();
      expect(actual.enums).toEqual(expected.enums);
      expect(actual.columns).toEqual(expected.columns);
      expect(actual.indexes).toEqual(expected.indexes);
      expect(actual.foreignKeys).toEqual(expected.foreignKeys);
    });

    it("records each migration like prisma migrate deploy (sha256 checksum, finished)", async () => {
      const rows = await h.sql.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
      }>(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      const files = await loadMigrations();
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, checksumOf(f.sql)]));
      expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    });

    it("re-running is a no-op", async () => {
      const before = await readDatabaseShape(h.sql);
      const again = await migrate(h.sql, await loadMigrations());
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied.length).toBeGreaterThan(0);
      expect(await readDatabaseShape(h.sql)).toEqual(before);
    });

    it("a changed, already-applied migration is an error", async () => {
      const files = await loadMigrations();
      const tampered = files.map((f, i) =>
        i === 0 ? { ...f, sql: f.sql + "\n-- edited", checksum: checksumOf(f.sql + "\n-- edited") } : f,
      );
      await expect(migrate(h.sql, tampered)).rejects.toBeInstanceOf(MigrationError);
    });

    it("a failing migration rolls back completely and is not recorded", async () => {
      const files = await loadMigrations();
      const broken = {
        name: "99990101000000_broken",
        sql: 'CREATE TABLE "Half" (id int);\nSELECT * FROM "no_such_table";',
        checksum: "x",
      };
      await expect(migrate(h.sql, [...files, broken])).rejects.toThrow(/99990101000000_broken failed/);
      const half = await h.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
      expect(half).toHaveLength(0);
      const recorded = await h.sql.query(
        `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`,
      );
      expect(recorded).toHaveLength(0);
    });
  });
}

describe("drift detection", () => {
  it("an edited schema.prisma without a migration no longer matches the migrated database", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tally-drift-"));
    const schemaPath = path.join(dir, "schema.prisma");
    cpSync("prisma/schema.prisma", schemaPath);
    const original = readFileSync(schemaPath, "utf8");
    writeFileSync(
      schemaPath,
      original
        .replace(/(model User \{\n)/, "$1  nickname String?\n")
        .replace("@@index([userId, status])", "@@index([userId])"),
    );
    const db = new PGlite("memory://");
    try {
      await migrate(pgliteRunner(db), await loadMigrations());
      const actual = await readDatabaseShape(pgliteRunner(db));
      const edited = expectedShape(loadSchemaDmmf(schemaPath));
      expect(edited.columns).toContain("User.nickname text NULL");
      expect(actual.columns).not.toEqual(edited.columns);
      expect(actual.indexes).not.toEqual(edited.indexes);
      expect(actual.columns).toEqual(expectedShape().columns);
    } finally {
      await db.close();
    }
  });
});
