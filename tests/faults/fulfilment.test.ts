import { afterAll, beforeAll, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";

import { deliver, soldSession, stripeEvent } from "../billing/stripe-fixtures";
import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { faultModes, injectWriteFault } from "../helpers/faults";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

// tests/billing/fault.test.ts fails the purchase write from inside the app (a proxy); these make
// the database itself fail (or, on PostgreSQL, kill the connection) at each write fulfilment does.
const TABLES_IN_THE_GRANT = ["User", "CreditLedger", "Purchase"] as const;

describeEachDb("faults during checkout fulfilment", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const ledgerRows = (sessionId: string) =>
    t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: sessionId } });
  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;

  for (const mode of faultModes(kind)) {
    for (const table of TABLES_IN_THE_GRANT) {
      it(`an injected ${mode} on ${table} → 500, nothing written; Stripe's redelivery credits exactly once`, async () => {
        const u = await createUser(t.db);
        const event = stripeEvent("checkout.session.completed", await soldSession(t.db, u.id, "pro"));
        const sessionId = (event.data.object as { id: string }).id;
        const before = await snapshot(t.db);

        const remove = await injectWriteFault(t, table, mode);
        let failed: Awaited<ReturnType<typeof deliver>>;
        try {
          failed = await deliver(t.db, event);
        } finally {
          await remove();
        }
        expect(failed).toEqual({ status: 500, body: { error: "processing_failed" } });
        expect(await snapshot(t.db)).toEqual(before);

        expect(await deliver(t.db, event)).toEqual({ status: 200, body: { received: true, outcome: "credited" } });
        expect((await deliver(t.db, event)).status).toBe(200);
        expect(await ledgerRows(sessionId)).toBe(1);
        expect(await balance(u.id)).toBe(200_000);
        expect(await ledgerInvariantViolations(t.db)).toEqual([]);
      });
    }

    it(`an injected ${mode} while recording the event (after the grant committed) → 500; the redelivery does not credit again`, async () => {
      const u = await createUser(t.db);
      const event = stripeEvent("checkout.session.completed", await soldSession(t.db, u.id, "starter"));
      const sessionId = (event.data.object as { id: string }).id;
      const eventsBefore = await t.db.stripeEvent.count();

      const remove = await injectWriteFault(t, "StripeEvent", mode);
      try {
        expect((await deliver(t.db, event)).status).toBe(500);
      } finally {
        await remove();
      }
      // The credit is whole (one row, balance moved with it); only the bookkeeping of the event id is missing.
      expect(await t.db.stripeEvent.count()).toBe(eventsBefore);
      expect(await ledgerRows(sessionId)).toBe(1);
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);

      expect(await deliver(t.db, event)).toEqual({
        status: 200,
        body: { received: true, outcome: "already_credited" },
      });
      expect(await ledgerRows(sessionId)).toBe(1);
      expect(await balance(u.id)).toBe(50_000);
    });
  }

  it("many redeliveries racing right after a failed attempt still credit once", async () => {
    const u = await createUser(t.db);
    const event = stripeEvent("checkout.session.completed", await soldSession(t.db, u.id, "enterprise"));
    const remove = await injectWriteFault(t, "CreditLedger", "error");
    try {
      expect((await deliver(t.db, event)).status).toBe(500);
    } finally {
      await remove();
    }
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(t.db, event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await ledgerRows((event.data.object as { id: string }).id)).toBe(1);
    expect(await balance(u.id)).toBe(1_000_000);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
