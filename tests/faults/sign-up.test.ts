import { afterAll, beforeAll, expect, it } from "vitest";

import { verifyEmail } from "~/server/auth/verification";
import { getBalance } from "~/server/credits";

import { snapshot, ledgerInvariantViolations } from "../helpers/db-snapshot";
import { faultModes, injectWriteFault } from "../helpers/faults";
import { latestMail, tokenOf } from "../helpers/mail";
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
    it(`a ${mode} while writing the verification mail leaves no user behind; a retry succeeds exactly once`, async () => {
      const email = `fault-mail-${mode}-${Date.now()}@test.local`;
      const caller = callerFor(t.db, null, fromAddress(`10.77.0.${mode.length}`));
      const before = await snapshot(t.db);
      const remove = await injectWriteFault(t, "MailOutbox", mode);
      try {
        await expect(caller.auth.signUp({ email, password: PASSWORD })).rejects.toThrow();
      } finally {
        await remove();
      }
      expect(await snapshot(t.db)).toEqual(before);
      await caller.auth.signUp({ email, password: PASSWORD });
      expect(await t.db.user.count({ where: { email } })).toBe(1);
      expect(await t.db.mailOutbox.count({ where: { to: email, template: "verify_email" } })).toBe(1);
    });

    it(`a ${mode} while granting the bonus at verification grants nothing and keeps the link usable; a retry grants exactly once`, async () => {
      const email = `fault-bonus-${mode}-${Date.now()}@test.local`;
      await callerFor(t.db, null, fromAddress(`10.78.0.${mode.length}`)).auth.signUp({ email, password: PASSWORD });
      const { id: userId } = await t.db.user.findUniqueOrThrow({ where: { email } });
      const token = tokenOf((await latestMail(t.db, email, "verify_email")).link);
      const before = await snapshot(t.db);
      const remove = await injectWriteFault(t, "CreditLedger", mode);
      try {
        await expect(verifyEmail(t.db, token)).rejects.toThrow();
      } finally {
        await remove();
      }
      expect(await snapshot(t.db)).toEqual(before);
      expect((await t.db.user.findUniqueOrThrow({ where: { id: userId } })).emailVerified).toBeNull();

      expect(await verifyEmail(t.db, token)).toBe("verified");
      expect(await verifyEmail(t.db, token)).toBe("verified");
      expect((await getBalance(t.db, userId)).balance).toBe(10_000);
      expect(await t.db.creditLedger.count({ where: { userId } })).toBe(1);
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });
  }
});
