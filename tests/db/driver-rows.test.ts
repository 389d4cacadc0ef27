import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";

import { Prisma } from "~/generated/prisma/client";
import { grant } from "~/server/credits";
import { driverRows } from "~/server/database/driver-rows";
import { inTransaction } from "~/server/database/transaction";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
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
