import { afterAll, beforeAll, expect, it } from "vitest";

import { fulfilCheckoutSession } from "~/server/billing";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { soldSession } from "./stripe-fixtures";

describeEachDb("billing router", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("products: the three packs from config, with currency, in emulator mode without keys", async () => {
    expect(await callerFor(t.db, null).billing.products()).toEqual({
      mode: "emulator",
      products: [
        { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
        { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
        { id: "enterprise", credits: 1_000_000, unitAmount: 5000, currency: "usd" },
      ],
    });
  });

  it("checkout with an unknown pack → BAD_REQUEST, nothing written; signed out → UNAUTHORIZED", async () => {
    const u = await createUser(t.db);
    const before = await snapshot(t.db);
    expect(await outcome(callerFor(t.db, u.id), "billing.checkout", { packId: "mega" })).toBe("BAD_REQUEST");
    expect(await outcome(callerFor(t.db, null), "billing.checkout", { packId: "starter" })).toBe("UNAUTHORIZED");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("purchases: only the caller's, newest first, cursor-paginated", async () => {
    const me = await createUser(t.db);
    const other = await createUser(t.db);
    const mine = [];
    for (let i = 0; i < 5; i++) {
      const s = await soldSession(t.db, me.id, i % 2 ? "pro" : "starter");
      await fulfilCheckoutSession(t.db, s);
      mine.push(s.id);
    }
    await fulfilCheckoutSession(t.db, await soldSession(t.db, other.id));
    const caller = callerFor(t.db, me.id);
    const page1 = await caller.billing.purchases({ limit: 3 });
    expect(page1.items).toHaveLength(3);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await caller.billing.purchases({ limit: 3, cursor: page1.nextCursor! });
    expect(page2.nextCursor).toBeNull();
    const all = [...page1.items, ...page2.items];
    expect(all.map((p) => p.id).sort()).toEqual([...mine].sort());
    expect(all.every((p, i) => i === 0 || all[i - 1]!.createdAt >= p.createdAt)).toBe(true);
    expect(all[0]).toEqual({
      id: expect.any(String),
      kind: "checkout",
      triggerSpendable: null,
      failureMessage: null,
      packId: expect.any(String),
      credits: expect.any(Number),
      amountTotal: expect.any(Number),
      amountRefunded: 0,
      currency: "usd",
      status: "paid",
      createdAt: expect.any(Date),
      creditedAt: expect.any(Date),
      // Stripe's test double returns sessions without the charge expanded: no receipt link to show.
      receiptUrl: null,
      invoicePdfUrl: null,
    });
    expect((await callerFor(t.db, other.id).billing.purchases()).items).toHaveLength(1);
  });
});
