import { afterAll, beforeAll, expect, it } from "vitest";

import { grant, reserve } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";

import { captureLogs } from "../security/log-capture";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

describeEachDb("ledger log lines", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("are written once the write commits, and never for a write that rolled back", async () => {
    const u = await createUser(t.db);
    const { logs: rolledBack } = await captureLogs(() =>
      inTransaction(t.db, async (tx) => {
        await grant(tx, { userId: u.id, amount: 100, reason: "adjustment", refType: "operator", refId: `rb-${u.id}` });
        await reserve(tx, { userId: u.id, amount: 50, refType: "chat_message", refId: `rb-${u.id}`, ttlSeconds: 60 });
        throw new Error("abort after the writes");
      }).catch(() => undefined),
    );
    expect(rolledBack.events.filter((e) => e.msg === "ledger_write" || e.msg === "hold_reserved")).toEqual([]);

    const { logs: committed } = await captureLogs(() =>
      inTransaction(t.db, (tx) =>
        grant(tx, { userId: u.id, amount: 100, reason: "adjustment", refType: "operator", refId: `ok-${u.id}` }),
      ),
    );
    expect(committed.events.filter((e) => e.msg === "ledger_write")).toEqual([
      expect.objectContaining({
        userId: u.id,
        amount: 100,
        balanceAfter: 100,
        reason: "adjustment",
        ref: `operator:ok-${u.id}`,
      }),
    ]);
  });
});
