import { afterAll, beforeAll, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE, setStripeClientForTests } from "~/server/billing";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { checkoutSession, deliver, recordCheckout, stripeBook, stripeEvent } from "./stripe-fixtures";

describeEachDb("billing.confirm", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
    // Stripe's sessions.retrieve answered from the fixtures' record (the emulator suite covers the real SDK path).
    setStripeClientForTests(stripeBook.client);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });
  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;

  it("credits a paid session of the caller and says so; a repeat changes nothing", async () => {
    const u = await createUser(t.db);
    const s = checkoutSession(u.id, "pro");
    await recordCheckout(t.db, s);
    const caller = callerFor(t.db, u.id);
    expect(await caller.billing.confirm({ sessionId: s.id })).toEqual({
      status: "paid",
      credited: true,
      credits: 200_000,
    });
    expect(await caller.billing.confirm({ sessionId: s.id })).toEqual({
      status: "paid",
      credited: true,
      credits: 200_000,
    });
    expect(await balance(u.id)).toBe(200_000);
  });

  it("an unpaid session → pending, nothing credited", async () => {
    const u = await createUser(t.db);
    const s = checkoutSession(u.id, "starter", { payment_status: "unpaid", status: "open" });
    await recordCheckout(t.db, s);
    expect(await callerFor(t.db, u.id).billing.confirm({ sessionId: s.id })).toEqual({
      status: "pending",
      credited: false,
      credits: 50_000,
    });
    expect(await balance(u.id)).toBe(0);
  });

  it("another user's session id → FORBIDDEN, nothing credited to anyone", async () => {
    const owner = await createUser(t.db);
    const other = await createUser(t.db);
    const s = checkoutSession(owner.id);
    await recordCheckout(t.db, s);
    const before = await snapshot(t.db);
    expect(await outcome(callerFor(t.db, other.id), "billing.confirm", { sessionId: s.id })).toBe("FORBIDDEN");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("a session Stripe does not know → NOT_FOUND; a tampered session → refused", async () => {
    const u = await createUser(t.db);
    expect(await outcome(callerFor(t.db, u.id), "billing.confirm", { sessionId: "cs_test_missing" })).toBe("NOT_FOUND");
    const cheap = checkoutSession(u.id, "enterprise", { amount_total: 500 });
    await recordCheckout(t.db, cheap);
    expect(await outcome(callerFor(t.db, u.id), "billing.confirm", { sessionId: cheap.id })).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    expect(await balance(u.id)).toBe(0);
  });

  it("without a session → UNAUTHORIZED", async () => {
    expect(await outcome(callerFor(t.db, null), "billing.confirm", { sessionId: "cs_test_x" })).toBe("UNAUTHORIZED");
  });

  it("webhook completed and confirm racing → credited once", async () => {
    const u = await createUser(t.db);
    const s = checkoutSession(u.id, "enterprise");
    await recordCheckout(t.db, s);
    const caller = callerFor(t.db, u.id);
    const event = stripeEvent("checkout.session.completed", s);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => caller.billing.confirm({ sessionId: s.id })),
      ...Array.from({ length: 10 }, () => deliver(t.db, event)),
    ]);
    expect(results.length).toBe(20);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: s.id } })).toBe(1);
    expect(await balance(u.id)).toBe(1_000_000);
  });
});
