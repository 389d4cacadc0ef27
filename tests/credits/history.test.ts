import { afterAll, beforeAll, expect, it } from "vitest";

import { grant, history, spend, spentPerDay } from "~/server/credits";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

describeEachDb("credit history", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("pages newest first without gaps or repeats", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 10_000, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    for (let i = 0; i < 24; i++)
      await spend(t.db, { userId: u.id, amount: 10 + i, refType: "chat_message", refId: `${u.id}-${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await history(t.db, u.id, { cursor, limit: 7 });
      seen.push(...page.items.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const all = await t.db.creditLedger.findMany({
      where: { userId: u.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it("another user's cursor never reveals foreign rows", async () => {
    const a = await createUser(t.db);
    const b = await createUser(t.db);
    await grant(t.db, { userId: a.id, amount: 5, reason: "purchase", refType: "operator", refId: `a-${a.id}` });
    for (let i = 0; i < 3; i++)
      await grant(t.db, { userId: b.id, amount: 5, reason: "purchase", refType: "operator", refId: `b-${b.id}-${i}` });
    const bPage = await history(t.db, b.id, { limit: 1 });
    const aPage = await history(t.db, a.id, { cursor: bPage.nextCursor ?? undefined, limit: 50 });
    const aRows = await t.db.creditLedger.findMany({ where: { userId: a.id }, select: { id: true } });
    expect(aPage.items.every((r) => aRows.some((own) => own.id === r.id))).toBe(true);
  });

  it("spentPerDay zero-fills and sums chat usage per UTC day", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 1000, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    await spend(t.db, { userId: u.id, amount: 40, refType: "chat_message", refId: `${u.id}-1` });
    await spend(t.db, { userId: u.id, amount: 2, refType: "chat_message", refId: `${u.id}-2` });
    const days = await spentPerDay(t.db, u.id, 30);
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), spent: 42 });
    expect(days.slice(0, -1).every((d) => d.spent === 0)).toBe(true);
  });
});
