import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { CHECKOUT_REF_TYPE, reconcileCheckoutSessions, setStripeClientForTests } from "~/server/billing";
import { databaseStore } from "~/server/rate-limit";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { startRig, type EmulatorRig } from "./emulator-harness";

const globalLimits = globalThis as unknown as { tallyRateLimitStore?: unknown };

describeEachDb("billing against the Stripe emulator", (kind) => {
  let t: TestDb;
  let rig: EmulatorRig;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
    // billing.checkout's rate limit uses the app store; keep it on this suite's database.
    globalLimits.tallyRateLimitStore = databaseStore(t.db);
    rig = await startRig(() => t.db, { webhooks: true });
    setStripeClientForTests(rig.stripe);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    delete globalLimits.tallyRateLimitStore;
    await rig?.close();
    await t?.close();
  });

  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const sessionIdOf = (checkoutUrl: string) => /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)?.[0] ?? "";
  async function checkoutFor(userId: string, packId: "starter" | "pro" | "enterprise" = "starter"): Promise<string> {
    const { checkoutUrl } = await callerFor(t.db, userId).billing.checkout({ packId });
    const purchase = await t.db.purchase.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
    expect(checkoutUrl).toContain(purchase.id);
    return purchase.id;
  }

  it("parallel first checkouts create one Stripe customer; sessions carry the right price, metadata and URLs", async () => {
    const u = await createUser(t.db);
    const caller = callerFor(t.db, u.id);
    const urls = await Promise.all(Array.from({ length: 5 }, () => caller.billing.checkout({ packId: "pro" })));
    const user = await t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.stripeCustomerId).toMatch(/^cus_/);
    const purchases = await t.db.purchase.findMany({ where: { userId: u.id } });
    expect(purchases).toHaveLength(5);
    expect(purchases.every((p) => p.status === "pending" && p.credits === 200_000 && p.amountTotal === 1500 && p.currency === "usd")).toBe(true);
    expect(new Set(urls.map(({ checkoutUrl }) => sessionIdOf(checkoutUrl)))).toEqual(new Set(purchases.map((p) => p.id)));
    expect(urls.every(({ checkoutUrl }) => checkoutUrl.startsWith(rig.url))).toBe(true);
    const session = await rig.stripe.checkout.sessions.retrieve(purchases[0]!.id, { expand: ["line_items"] });
    expect(session).toMatchObject({
      mode: "payment",
      client_reference_id: u.id,
      metadata: { userId: u.id, packId: "pro", credits: "200000" },
      success_url: "http://localhost:3000/billing?success=1&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:3000/billing?canceled=1",
      amount_total: 1500,
      currency: "usd",
    });
    expect(session.line_items?.data[0]?.price?.id).toBe("price_pro");
    for (const p of purchases) {
      const s = await rig.stripe.checkout.sessions.retrieve(p.id);
      expect(typeof s.customer === "string" ? s.customer : s.customer?.id).toBe(user.stripeCustomerId);
    }
    // A later checkout reuses the stored customer.
    await caller.billing.checkout({ packId: "starter" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).stripeCustomerId).toBe(user.stripeCustomerId);
  });

  it("paying on the emulator delivers a signed webhook that credits once; confirm agrees", async () => {
    const u = await createUser(t.db);
    const sessionId = await checkoutFor(u.id, "starter");
    const paid = await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(paid.status).toBe(200);
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
    expect(await callerFor(t.db, u.id).billing.confirm({ sessionId })).toEqual({ status: "paid", credited: true, credits: 50_000 });
    expect(await balance(u.id)).toBe(50_000);
  });

  it("the completed webhook, its redeliveries and confirm racing → credited once", async () => {
    const u = await createUser(t.db);
    const sessionId = await checkoutFor(u.id, "enterprise");
    await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    const events = await rig.stripe.events.list({ type: "checkout.session.completed", limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === sessionId);
    expect(event).toBeDefined();
    const caller = callerFor(t.db, u.id);
    await Promise.all([
      rig.control(`/_emulator/events/${event!.id}/deliver`, { times: 5 }),
      ...Array.from({ length: 5 }, () => caller.billing.confirm({ sessionId })),
    ]);
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(1_000_000), { timeout: 10_000, interval: 50 });
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: sessionId } })).toBe(1);
    expect(await balance(u.id)).toBe(1_000_000);
  });

  it("a declined card credits nothing", async () => {
    const u = await createUser(t.db);
    const sessionId = await checkoutFor(u.id);
    expect((await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4000000000000002" })).status).toBe(402);
    expect(await callerFor(t.db, u.id).billing.confirm({ sessionId })).toEqual({ status: "pending", credited: false, credits: 50_000 });
    expect(await balance(u.id)).toBe(0);
  });

  it("a delayed payment credits nothing until async_payment_succeeded", async () => {
    const u = await createUser(t.db);
    const sessionId = await checkoutFor(u.id);
    await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242", delayed: true });
    await vi.waitFor(async () => expect(await t.db.stripeEvent.count({ where: { type: "checkout.session.completed", outcome: "not_paid" } })).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await balance(u.id)).toBe(0);
    await rig.control(`/_emulator/checkout/sessions/${sessionId}/async_result`, { succeeded: true });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
  });

  it("a partial refund through the SDK claws back its share once; a dispute takes the rest", async () => {
    const u = await createUser(t.db);
    const sessionId = await checkoutFor(u.id);
    await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
    const purchase = await t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } });
    await rig.stripe.refunds.create({ payment_intent: purchase.paymentIntentId!, amount: 125 });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(37_500), { timeout: 10_000, interval: 50 });
    const pi = await rig.stripe.paymentIntents.retrieve(purchase.paymentIntentId!);
    const chargeId = typeof pi.latest_charge === "string" ? pi.latest_charge : pi.latest_charge!.id;
    await rig.control(`/_emulator/charges/${chargeId}/dispute`, {});
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(0), { timeout: 10_000, interval: 50 });
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ status: "disputed", creditsClawedBack: 50_000 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("confirm with another user's session → FORBIDDEN, nothing credited", async () => {
    const owner = await createUser(t.db);
    const other = await createUser(t.db);
    const sessionId = await checkoutFor(owner.id);
    await rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(await outcome(callerFor(t.db, other.id), "billing.confirm", { sessionId })).toBe("FORBIDDEN");
    expect(await balance(other.id)).toBe(0);
  });
});

describeEachDb("stripe:reconcile against the emulator (webhooks lost)", (kind) => {
  let t: TestDb;
  let rig: EmulatorRig;
  beforeAll(async () => {
    t = await createTestDb(kind);
    globalLimits.tallyRateLimitStore = databaseStore(t.db);
    rig = await startRig(() => t.db, { webhooks: false });
    setStripeClientForTests(rig.stripe);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    delete globalLimits.tallyRateLimitStore;
    await rig?.close();
    await t?.close();
  });

  it("credits a paid session whose webhook never arrived, once; re-running changes nothing", async () => {
    const u = await createUser(t.db);
    const caller = callerFor(t.db, u.id);
    await caller.billing.checkout({ packId: "pro" });
    await caller.billing.checkout({ packId: "starter" }); // never paid
    const [paidId] = (await t.db.purchase.findMany({ where: { userId: u.id, packId: "pro" } })).map((p) => p.id);
    await rig.control(`/_emulator/checkout/sessions/${paidId}/pay`, { card: "4242424242424242" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);

    const first = await reconcileCheckoutSessions({ db: t.db, stripe: rig.stripe }, { days: 3 });
    expect(first).toMatchObject({ fulfilled: 1, alreadyCredited: 0, skipped: 1 });
    expect(first.lines.at(-1)).toBe("1 fulfilled, 0 already credited, 1 skipped");
    const second = await reconcileCheckoutSessions({ db: t.db, stripe: rig.stripe }, { days: 3 });
    expect(second).toMatchObject({ fulfilled: 0, alreadyCredited: 1, skipped: 1 });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(200_000);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: paidId } })).toBe(1);
  });
});
