import { afterAll, beforeAll, expect, it } from "vitest";

import { runExclusive } from "~/server/jobs";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

describeEachDb("job leases", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const lease = { leaseMs: 60_000 };

  it("while one run holds a job's lease, a concurrent run of the same job skips without running; another job is not blocked", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let runs = 0;
    const first = runExclusive(t.db, "job-a", lease, async () => {
      runs += 1;
      await gate;
      return "first";
    });
    // Wait until the first run really holds the lease (it is inside its work).
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));

    expect(await runExclusive(t.db, "job-a", lease, async () => (runs += 1))).toEqual({
      status: "skipped",
      reason: "leased",
    });
    expect(await runExclusive(t.db, "job-b", lease, async () => "other")).toEqual({ status: "ran", result: "other" });
    open();
    expect(await first).toEqual({ status: "ran", result: "first" });
    expect(runs).toBe(1);
    // Given back: the next run goes ahead.
    expect(await runExclusive(t.db, "job-a", lease, async () => "again")).toEqual({ status: "ran", result: "again" });
  });

  it("many concurrent runs: never two inside the work at once", async () => {
    let inside = 0;
    let maxInside = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        runExclusive(t.db, "job-c", lease, async () => {
          maxInside = Math.max(maxInside, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(outcomes.some((o) => o.status === "ran")).toBe(true);
  });

  it("a lease whose holder died is taken over once it runs out; a failed run gives its lease back", async () => {
    await t.db.jobLease.create({
      data: { name: "job-d", holder: "crashed-instance", leasedUntil: new Date(Date.now() + 60_000) },
    });
    expect(await runExclusive(t.db, "job-d", lease, async () => 1)).toEqual({ status: "skipped", reason: "leased" });
    await t.db.jobLease.update({ where: { name: "job-d" }, data: { leasedUntil: new Date(Date.now() - 1) } });
    expect(await runExclusive(t.db, "job-d", lease, async () => 2)).toEqual({ status: "ran", result: 2 });

    await expect(runExclusive(t.db, "job-d", lease, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await runExclusive(t.db, "job-d", lease, async () => 3)).toEqual({ status: "ran", result: 3 });
  });

  it("with minIntervalMs, a job that just finished is skipped as ran_recently", async () => {
    expect(await runExclusive(t.db, "job-e", lease, async () => 1)).toMatchObject({ status: "ran" });
    expect(await runExclusive(t.db, "job-e", { ...lease, minIntervalMs: 60_000 }, async () => 2)).toEqual({
      status: "skipped",
      reason: "ran_recently",
    });
    expect(await runExclusive(t.db, "job-e", { ...lease, minIntervalMs: 0 }, async () => 3)).toEqual({
      status: "ran",
      result: 3,
    });
  });
});
