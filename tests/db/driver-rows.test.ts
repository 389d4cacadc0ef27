import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { databasePreparedStatements } from "~/env";
import { Prisma } from "~/generated/prisma/client";
import { grant } from "~/server/credits";
import { attachDriverPool, driverRows, MAX_NAMED_STATEMENTS } from "~/server/database/driver-rows";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";

import { createEmptyPostgresDb, createTestDb, describeEachDb, testDbKinds, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

describeEachDb("driverRows: the hot statements' rows, as $queryRaw reads them", (kind) => {
  let t: TestDb;
  const zone = process.env.TZ;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
    // The process's own zone back (one test sets another), not simply unset.
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  async function ledgerRowOf(userId: string) {
    await grant(t.db, { userId, amount: 70, reason: "purchase", refType: "operator", refId: `g-${userId}` });
    return Prisma.sql`SELECT l.*, count(*) OVER () AS n, l.note IS NULL AS "noNote"
                        FROM "CreditLedger" l WHERE l."userId" = ${userId}`;
  }

  it("returns the same values as $queryRaw: int, int8 as bigint, timestamp as Date, enum, null, boolean", async () => {
    const u = await createUser(t.db);
    const sql = await ledgerRowOf(u.id);
    const viaDriver = await driverRows<Record<string, unknown>>(t.db, sql);
    const viaPrisma = await t.db.$queryRaw<Record<string, unknown>[]>(sql);
    expect(viaDriver).toEqual(viaPrisma);
    expect(viaDriver[0]).toMatchObject({ amount: 70, balanceAfter: 70, reason: "purchase", note: null, n: 1n });
    expect(viaDriver[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("reads and writes timestamps as UTC whatever the process's time zone", async () => {
    process.env.TZ = "America/New_York";
    const at = new Date("2026-07-01T12:34:56.789Z");
    const [row] = await driverRows<{ at: Date; text: string }>(
      t.db,
      Prisma.sql`SELECT ${at}::timestamp(3) AS at, (${at}::timestamp(3))::text AS text`,
    );
    expect(row!.text).toBe("2026-07-01 12:34:56.789");
    expect(row!.at.toISOString()).toBe(at.toISOString());
  });

  it("on PostgreSQL's root client skips Prisma; in a transaction it is one of that transaction's statements", async () => {
    const queryRaw = vi.spyOn(t.db, "$queryRaw");
    const [one] = await driverRows<{ one: number }>(t.db, Prisma.sql`SELECT 1::int AS one`);
    expect(one).toEqual({ one: 1 });
    // PGlite has one connection, which Prisma's adapter serializes: its statements always go through Prisma.
    expect(queryRaw).toHaveBeenCalledTimes(kind === "postgres" ? 0 : 1);

    const u = await createUser(t.db);
    const rolledBack = inTransaction(t.db, async (tx) => {
      await tx.user.update({ where: { id: u.id }, data: { name: "inside" } });
      const [seen] = await driverRows<{ name: string }>(tx, Prisma.sql`SELECT name FROM "User" WHERE id = ${u.id}`);
      expect(seen!.name).toBe("inside");
      await driverRows(tx, Prisma.sql`UPDATE "User" SET balance = 5 WHERE id = ${u.id} RETURNING id`);
      throw new Error("roll back");
    });
    await expect(rolledBack).rejects.toThrow("roll back");
    expect(await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({ balance: 0 });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).name).not.toBe("inside");
  });

  it("a statement the database refuses rejects with the database's error and writes nothing", async () => {
    const u = await createUser(t.db);
    const bad = driverRows(
      t.db,
      Prisma.sql`WITH w AS (UPDATE "User" SET balance = 9 WHERE id = ${u.id} RETURNING id) SELECT 1 / 0 AS boom FROM w`,
    );
    await expect(bad).rejects.toThrow(/division by zero/);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);
  });
});

describe.skipIf(!testDbKinds().includes("postgres"))("driverRows: hot statements prepared once per connection", () => {
  let db: { url: string; name: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  // A root client's stand-in whose driver path is a pool of one connection, so its prepared statements can be read.
  const root = { $disconnect: () => Promise.resolve() } as unknown as DbOrTx;
  beforeAll(async () => {
    db = await createEmptyPostgresDb();
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    attachDriverPool(root, pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const prepared = async (text: string) =>
    (
      await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1", [
        text,
      ])
    ).rows[0]!.n;

  it("sends a statement's text once per connection and binds new values to it after that", async () => {
    const sql = (n: number) => Prisma.sql`SELECT ${n}::int * 2 AS twice, ${`v${n}`}::text AS label`;
    for (const n of [1, 2, 3]) expect(await driverRows(root, sql(n))).toEqual([{ twice: 2 * n, label: `v${n}` }]);
    expect(await prepared(sql(0).text)).toBe(1);
  });

  it("a table changed under a prepared statement (a migration while the app runs) answers with the new shape", async () => {
    await pool.query(`CREATE TABLE widget (id int PRIMARY KEY)`);
    await pool.query(`INSERT INTO widget VALUES (1)`);
    const read = Prisma.sql`SELECT * FROM widget WHERE id = ${1}`;
    expect(await driverRows(root, read)).toEqual([{ id: 1 }]);
    expect(await prepared(read.text)).toBe(1);
    await pool.query(`ALTER TABLE widget ADD COLUMN colour text NOT NULL DEFAULT 'red'`);
    // PostgreSQL refuses the old prepared statement ("cached plan must not change result type"); it runs unnamed.
    expect(await driverRows(root, read)).toEqual([{ id: 1, colour: "red" }]);
    expect(await driverRows(root, read)).toEqual([{ id: 1, colour: "red" }]);
  });

  it("a write refused that way runs once, not twice", async () => {
    await pool.query(`CREATE TABLE tally_counter (id int PRIMARY KEY, n int NOT NULL)`);
    await pool.query(`INSERT INTO tally_counter VALUES (1, 0)`);
    const bump = Prisma.sql`UPDATE tally_counter SET n = n + ${1} WHERE id = ${1} RETURNING *`;
    expect(await driverRows(root, bump)).toEqual([{ id: 1, n: 1 }]);
    await pool.query(`ALTER TABLE tally_counter ADD COLUMN note text`);
    expect(await driverRows(root, bump)).toEqual([{ id: 1, n: 2, note: null }]);
    expect((await pool.query(`SELECT n FROM tally_counter`)).rows).toEqual([{ n: 2 }]);
  });

  it("with prepared statements off (a pooler in transaction mode) every statement goes unnamed", async () => {
    const unnamedRoot = { $disconnect: () => Promise.resolve() } as unknown as DbOrTx;
    attachDriverPool(unnamedRoot, pool, { preparedStatements: false });
    const sql = Prisma.sql`SELECT ${7}::int + 1 AS eight, 'unnamed' AS kind`;
    for (let i = 0; i < 3; i++) expect(await driverRows(unnamedRoot, sql)).toEqual([{ eight: 8, kind: "unnamed" }]);
    expect(await prepared(sql.text)).toBe(0);
  });

  it(`names at most ${MAX_NAMED_STATEMENTS} texts: statements of a varying shape run unnamed past that`, async () => {
    const texts = MAX_NAMED_STATEMENTS + 50;
    for (let i = 0; i < texts; i++) {
      expect(await driverRows(root, Prisma.sql`SELECT ${Prisma.raw(String(i))}::int AS n`)).toEqual([{ n: i }]);
    }
    const named = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements");
    expect(named.rows[0]!.n).toBeLessThanOrEqual(MAX_NAMED_STATEMENTS);
    expect(named.rows[0]!.n).toBeGreaterThan(0);
  });
});

describe("DATABASE_PREPARED_STATEMENTS", () => {
  it('is on unless "0"; anything else is refused with a message naming it', () => {
    expect(databasePreparedStatements.parse(undefined)).toBe(true);
    expect(databasePreparedStatements.parse("1")).toBe(true);
    expect(databasePreparedStatements.parse("0")).toBe(false);
    for (const bad of ["yes", "false", ""]) {
      expect(databasePreparedStatements.safeParse(bad).error?.issues[0]?.message).toBe(
        'DATABASE_PREPARED_STATEMENTS must be "0" or "1"',
      );
    }
  });
});
