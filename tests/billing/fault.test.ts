import { afterAll, beforeAll, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { injectWriteFault } from "../helpers/faults";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { deliver, soldSession, stripeEvent } from "./stripe-fixtures";

describeEachDb("a database failure during fulfilment", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it.each([
    ["one statement: the purchase read unchanged", false],
    ["a transaction: the purchase changed after the read", true],
  ])("→ 500 with nothing written (%s); Stripe's redelivery then credits exactly once", async (_, changed) => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const event = stripeEvent("checkout.session.completed", session);
    // A purchase marked expired meanwhile: the one statement finds it changed, the transaction path moves it.
    if (changed) await t.db.purchase.update({ where: { id: session.id }, data: { status: "expired" } });
    const before = await snapshot(t.db);

    // The database refuses to mark this purchase paid, inside whichever statement or transaction makes
    // that write, after the credits were written in it.
    const repair = await injectWriteFault(t, "Purchase", "error", {
      when: `TG_OP = 'UPDATE' AND NEW.id = '${session.id}' AND NEW.status = 'paid'`,
    });
    try {
      const failed = await deliver(t.db, event);
      expect(failed).toEqual({ status: 500, body: { error: "processing_failed" } });
    } finally {
      await repair();
    }
    expect(await snapshot(t.db)).toEqual(before); // the grant rolled back with the failed purchase write; event not recorded

    const retried = await deliver(t.db, event);
    expect(retried).toEqual({ status: 200, body: { received: true, outcome: "credited" } });
    await deliver(t.db, event);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } })).toBe(1);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(50_000);
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).status).toBe("paid");
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a lost database (closed pool) → 500, and the event is processed once it is back", async () => {
    const u = await createUser(t.db);
    const event = stripeEvent("checkout.session.completed", await soldSession(t.db, u.id));
    const broken = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value === "function") return () => Promise.reject(new Error("Can't reach database server"));
        if (value && typeof value === "object") {
          return new Proxy(value, { get: () => () => Promise.reject(new Error("Can't reach database server")) });
        }
        return value;
      },
    });
    expect((await deliver(broken, event)).status).toBe(500);
    expect((await deliver(t.db, event)).body.outcome).toBe("credited");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(50_000);
  });
});
