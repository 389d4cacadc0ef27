import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadMigrations, migrate } from "~/server/database/migrate";
import { pgliteRunner } from "~/server/database/runners";

import { memberTotalMismatches } from "../../bench/lib/pool-checks";

const MIGRATION = "20261208100000_member_limit_totals";

/** Members who already had limits when the running totals arrived get them from their pool rows and holds. */
describe(`migration ${MIGRATION}`, () => {
  const db = new PGlite("memory://");
  const sql = pgliteRunner(db);
  beforeAll(async () => {
    const files = await loadMigrations();
    const at = files.findIndex((f) => f.name === MIGRATION);
    await migrate(sql, files.slice(0, at));
    await db.exec(`
      INSERT INTO "User" (id, email, "updatedAt") VALUES ('o', 'o@example.test', now()), ('m', 'm@example.test', now()),
        ('f', 'f@example.test', now());
      INSERT INTO "Team" (id, name, balance, "updatedAt") VALUES ('t', 'T', 1000, now());
      INSERT INTO "TeamMember" ("teamId", "userId", role, "dailyLimit", "monthlyLimit", "updatedAt") VALUES
        ('t', 'o', 'owner', NULL, NULL, now()), ('t', 'm', 'member', 50, 500, now()), ('t', 'f', 'member', NULL, NULL, now());
      INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId", "createdAt") VALUES
        ('l1', 'm', 't', -7, 0, 'chat_usage', 'chat_message', 'r1', now() AT TIME ZONE 'UTC'),
        ('l2', 'm', 't', -11, 0, 'chat_usage', 'chat_message', 'r2', (now() AT TIME ZONE 'UTC') - interval '40 days'),
        ('l3', 'f', 't', -13, 0, 'chat_usage', 'chat_message', 'r3', now() AT TIME ZONE 'UTC'),
        ('l4', 'm', 't', 20, 0, 'adjustment', 'operator', 'r4', now() AT TIME ZONE 'UTC');
      INSERT INTO "CreditHold" (id, "userId", "teamId", amount, "refType", "refId", "expiresAt") VALUES
        ('h1', 'm', 't', 3, 'chat_message', 'h1', now() + interval '1 hour');`);
    await migrate(sql, files);
  });
  afterAll(() => db.close());

  it("fills the totals of members with a limit from today's, this week's and this month's spend and their holds", async () => {
    const rows = await sql.query<Record<string, unknown>>(
      `SELECT "userId", "usageDay" = (now() AT TIME ZONE 'UTC')::date AS today, "spentDay", "spentWeek", "spentMonth",
              "heldCredits" FROM "TeamMember" WHERE "teamId" = 't' ORDER BY "userId"`,
    );
    expect(rows).toEqual([
      { userId: "f", today: null, spentDay: 0, spentWeek: 0, spentMonth: 0, heldCredits: 0 },
      { userId: "m", today: true, spentDay: 7, spentWeek: 7, spentMonth: 7, heldCredits: 3 },
      { userId: "o", today: null, spentDay: 0, spentWeek: 0, spentMonth: 0, heldCredits: 0 },
    ]);
    const checks = {
      query: async <R>(text: string, values?: unknown[]) => ({ rows: await sql.query<R>(text, values) }),
    };
    expect(await memberTotalMismatches(checks, ["t"])).toEqual([]);
  });
});
