import { afterAll, beforeAll, expect, it } from "vitest";

import { recordEvent } from "~/server/billing/event-records";

import { loggedDb, type LoggedDb } from "../helpers/statement-log";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

describeEachDb("StripeEvent records, written in groups", (kind) => {
  let t: TestDb;
  let logged: LoggedDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    logged = await loggedDb(t);
  });
  afterAll(async () => {
    await logged.close();
    await t.close();
  });

  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `evt_${prefix}_${i}_${Date.now()}`);
  const inserts = () => logged.statements.filter((s) => s.includes(`INSERT INTO "StripeEvent"`));
  const stored = (eventIds: string[]) =>
    t.db.stripeEvent.findMany({ where: { id: { in: eventIds } }, select: { id: true, type: true, outcome: true } });

  it("a lone record is written at once; records arriving meanwhile share the next statement", async () => {
    logged.statements.length = 0;
    const [first, ...rest] = ids("group", 8);
    const written = [first!, ...rest].map((id) =>
      recordEvent(logged.db, { id, type: "checkout.session.completed", outcome: "credited" }),
    );
    await Promise.all(written);
    expect(inserts()).toHaveLength(2);
    // Never waits for the WAL flush (a lost record only means a redelivery is processed again).
    expect(inserts()[0]).toMatch(/set_config\('synchronous_commit', 'off', true\)/);
    const rows = await stored([first!, ...rest]);
    expect(rows.map((r) => r.id).sort()).toEqual([first!, ...rest].sort());
    expect(rows.every((r) => r.type === "checkout.session.completed" && r.outcome === "credited")).toBe(true);
  });

  it("twins of one event in a group, and across groups: the outcome that did the work is kept", async () => {
    const [busy, twin, later] = ids("twin", 3);
    const inFlight = recordEvent(logged.db, { id: busy!, type: "charge.refunded", outcome: "ignored" });
    // Same group (the statement above is in flight): one row, the credited outcome wins in either order.
    await Promise.all([
      recordEvent(logged.db, { id: twin!, type: "checkout.session.completed", outcome: "already_credited" }),
      recordEvent(logged.db, { id: twin!, type: "checkout.session.completed", outcome: "credited" }),
      recordEvent(logged.db, { id: twin!, type: "checkout.session.completed", outcome: "already_credited" }),
      inFlight,
    ]);
    expect((await stored([twin!]))[0]?.outcome).toBe("credited");
    // Across statements, as in the table: already_credited never overwrites, and is overwritten.
    await recordEvent(logged.db, { id: later!, type: "checkout.session.completed", outcome: "already_credited" });
    await recordEvent(logged.db, { id: later!, type: "checkout.session.completed", outcome: "credited" });
    await recordEvent(logged.db, { id: later!, type: "checkout.session.completed", outcome: "already_credited" });
    expect((await stored([later!]))[0]?.outcome).toBe("credited");
  });

  it("a failed statement fails the deliveries it carried, and only those; the next group is written", async () => {
    const [lone, bad, good, next] = ids("fail", 4);
    const inFlight = recordEvent(logged.db, { id: lone!, type: "charge.refunded", outcome: "ignored" });
    // Grouped behind it: a record the table refuses (type is NOT NULL) fails its whole group.
    const failing = [
      recordEvent(logged.db, { id: bad!, type: null as unknown as string, outcome: "ignored" }),
      recordEvent(logged.db, { id: good!, type: "charge.refunded", outcome: "ignored" }),
    ];
    await expect(inFlight).resolves.toBeUndefined();
    for (const p of failing) await expect(p).rejects.toThrow();
    await recordEvent(logged.db, { id: next!, type: "charge.refunded", outcome: "ignored" });
    expect((await stored([lone!, bad!, good!, next!])).map((r) => r.id).sort()).toEqual([lone!, next!].sort());
  });
});
