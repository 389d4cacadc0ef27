import { afterAll, beforeAll, expect, it } from "vitest";

import { getBalance } from "~/server/credits";

import { snapshot, ledgerInvariantViolations } from "../helpers/db-snapshot";
import { faultModes, injectWriteFault } from "../helpers/faults";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";

const PASSWORD = "correct horse battery staple";

describeEachDb("faults during sign-up", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  for (const mode of faultModes(kind)) {
    it(`a ${mode} while granting the bonus leaves no user behind; a retry succeeds exactly once`, async () => {
      const email = `fault-${mode}-${Date.now()}@test.local`;
      const caller = callerFor(t.db, null, fromAddress(`10.77.0.${mode.length}`));
      const before = await snapshot(t.db);
      const remove = await injectWriteFault(t, "CreditLedger", mode);
      try {
        await expect(caller.auth.signUp({ email, password: PASSWORD })).rejects.toThrow();
      } finally {
        await remove();
      }
      expect(await snapshot(t.db)).toEqual(before);

      await caller.auth.signUp({ email, password: PASSWORD });
      const { id: userId } = await t.db.user.findUniqueOrThrow({ where: { email } });
      expect((await getBalance(t.db, userId)).balance).toBe(10_000);
      await expect(caller.auth.signUp({ email, password: PASSWORD })).resolves.toEqual({ ok: true });
      expect(await t.db.creditLedger.count({ where: { userId } })).toBe(1);
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });
  }
});
