import { afterAll, beforeAll, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";
import type { Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { deliver, soldSession, stripeEvent } from "./stripe-fixtures";

/**
 * The real database, except that inside the next transaction the purchase write fails as if
 * the connection dropped — after the credits were granted in that same transaction.
 */
function failingOncePurchaseWrite(db: Db): Db {
  let armed = true;
  const failingTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop === "purchase" && armed) {
          return new Proxy(target.purchase, {
            get(p, method) {
              if (method === "update" || method === "updateManyAndReturn") {
                armed = false;
                return () => Promise.reject(new Error("Connection terminated unexpectedly"));
              }
              return Reflect.get(p, method) as unknown;
            },
          });
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "$transaction") {
        return (fn: (tx: Tx) => Promise<unknown>, opts?: unknown) =>
          (target.$transaction as (f: (tx: Tx) => Promise<unknown>, o?: unknown) => Promise<unknown>)(
            (tx) => fn(failingTx(tx)),
            opts,
          );
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describeEachDb("a database failure during fulfilment", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("→ 500 with nothing written; Stripe's redelivery then credits exactly once", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const event = stripeEvent("checkout.session.completed", session);
    const before = await snapshot(t.db);

    const failed = await deliver(failingOncePurchaseWrite(t.db), event);
    expect(failed).toEqual({ status: 500, body: { error: "processing_failed" } });
    expect(await snapshot(t.db)).toEqual(before); // the grant rolled back with the failed purchase write; event not recorded

    const retried = await deliver(t.db, event);
    expect(retried).toEqual({ status: 200, body: { received: true, outcome: "credited" } });
    await deliver(t.db, event);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } })).toBe(1);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(50_000);
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
