import { describe, expect, it } from "vitest";

import { databasePoolSize } from "~/env";
import { Prisma } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";

import { createTestDb, testDbKinds } from "../helpers/test-db";

describe("DATABASE_POOL_SIZE", () => {
  it("is 10 unset, a whole number from 1 to 1000 otherwise; anything else is refused with a message naming it", () => {
    expect(databasePoolSize.parse(undefined)).toBe(10);
    expect(databasePoolSize.parse("25")).toBe(25);
    for (const bad of ["0", "-3", "2.5", "lots", "1001"]) {
      const result = databasePoolSize.safeParse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message, bad).toMatch(/^DATABASE_POOL_SIZE must be/);
    }
  });

  it.skipIf(!testDbKinds().includes("postgres"))(
    "bounds the connections one instance opens: Prisma and the driver's statements share them",
    async () => {
      const t = await createTestDb("postgres", { poolSize: 3 });
      try {
        // 8 statements at once, each holding its connection for a moment: at most 3 backends serve them.
        const backend = Prisma.sql`SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)`;
        const pids = await Promise.all([
          ...Array.from({ length: 4 }, () => driverRows<{ pid: number }>(t.db, backend)),
          ...Array.from({ length: 4 }, () => t.db.$queryRaw<{ pid: number }[]>(backend)),
        ]);
        const distinct = new Set(pids.map((rows) => rows[0]!.pid));
        expect(distinct.size).toBeGreaterThan(1);
        expect(distinct.size).toBeLessThanOrEqual(3);
      } finally {
        await t.close();
      }
    },
  );
});
