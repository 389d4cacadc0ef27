import { afterAll, beforeAll, expect, it } from "vitest";

import { getBalance } from "~/server/credits";
import { runCreditsCommand, UsageError } from "~/server/credits/operator-command";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

describeEachDb("credits operator command", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("grant writes a ledger row with the reason; --ref makes it idempotent", async () => {
    const u = await createUser(t.db, `op-${kind}@test.local`);
    const out = await runCreditsCommand(t.db, [
      "grant",
      u.email,
      "1500",
      "--reason",
      "support ticket 42",
      "--ref",
      "t42",
    ]);
    expect(out[0]).toMatch(/Granted 1500 credits .* balance now 1500/);
    const again = await runCreditsCommand(t.db, [
      "grant",
      u.email,
      "1500",
      "--reason",
      "support ticket 42",
      "--ref",
      "t42",
    ]);
    expect(again[0]).toMatch(/Nothing changed/);
    const rows = await t.db.creditLedger.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 1500, reason: "adjustment", note: "support ticket 42" });
  });

  it("adjust accepts negative amounts; show prints balance and recent rows", async () => {
    const u = await createUser(t.db, `op2-${kind}@test.local`);
    await runCreditsCommand(t.db, ["grant", u.email, "100", "--reason", "seed"]);
    await runCreditsCommand(t.db, ["adjust", u.email, "-30", "--reason", "double charge fix"]);
    expect((await getBalance(t.db, u.id)).balance).toBe(70);
    const shown = await runCreditsCommand(t.db, ["show", u.email]);
    expect(shown[0]).toBe(`${u.email}: balance 70, held 0, spendable 70`);
    expect(shown).toHaveLength(3);
  });

  it.each([
    [["grant", "x@y.z", "10"], /--reason is required/],
    [["grant", "nobody@test.local", "10", "--reason", "r"], /No user/],
    [["frobnicate"], /Unknown command/],
    [[], /Missing command/],
  ])("rejects %j with a clear message and writes nothing", async (argv, message) => {
    const before = await t.db.creditLedger.count();
    await expect(runCreditsCommand(t.db, argv)).rejects.toThrow(message);
    expect(await t.db.creditLedger.count()).toBe(before);
  });

  it.each(["abc", "1.5", "0", "-5", "99999999999"])("grant rejects amount %s", async (amount) => {
    const u = await createUser(t.db);
    await expect(runCreditsCommand(t.db, ["grant", u.email, amount, "--reason", "r"])).rejects.toBeInstanceOf(
      UsageError,
    );
    expect((await getBalance(t.db, u.id)).balance).toBe(0);
  });
});
