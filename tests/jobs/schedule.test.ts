import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { chatConfigFromEnv } from "~/server/chat";
import { getBalance, grant, reserve } from "~/server/credits";
import { startJobSchedule, type JobDeps } from "~/server/jobs";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

describeEachDb("the in-server job schedule", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("two instances' schedules sweep an expired hold once, and stop when asked", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 1000, reason: "adjustment", refType: "operator", refId: `seed-${u.id}` });
    await reserve(t.db, { userId: u.id, amount: 600, refType: "chat_message", refId: `dead-${u.id}`, ttlSeconds: -1 });
    expect((await getBalance(t.db, u.id)).spendable).toBe(400);

    let reconciles = 0;
    const deps: JobDeps = {
      db: t.db,
      stripe: () => {
        reconciles += 1;
        throw new Error("reconcile is switched off in this test");
      },
      chat: chatConfigFromEnv(),
      reconcileDays: 3,
    };
    // Only the schedule's own timers are fake: the test fires them, and can count what stop() leaves behind.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const instances = [
      startJobSchedule(deps, { "sweep-holds": 25, reconcile: 0 }),
      startJobSchedule(deps, { "sweep-holds": 25, reconcile: 0 }),
    ];
    let timersLeft: number;
    try {
      expect(vi.getTimerCount()).toBe(2); // one sweep timer per instance; a 0 interval starts none
      // Nothing was delivered for this reply (no message): released for nothing.
      await vi.waitFor(
        async () => {
          vi.advanceTimersByTime(25);
          expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 0, spendable: 1000 });
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(await t.db.creditHold.findFirst({ where: { userId: u.id } })).toMatchObject({ status: "released" });
      await vi.waitFor(async () =>
        expect((await t.db.jobLease.findUnique({ where: { name: "sweep-holds" } }))?.lastFinishedAt).toBeTruthy(),
      );
    } finally {
      // stop() resolves once no run is in progress, so none outlives the test's database.
      await Promise.all(instances.map((schedule) => schedule.stop()));
      timersLeft = vi.getTimerCount();
      vi.useRealTimers();
    }
    expect(timersLeft).toBe(0);
    expect(reconciles).toBe(0);
    expect(await t.db.jobLease.findUnique({ where: { name: "reconcile" } })).toBeNull();
  });
});
