import { expect, it, vi } from "vitest";

import { CHECKOUT_REF_TYPE, reconcileCheckoutSessions } from "~/server/billing";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { describeEachDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";

describeEachDb("billing against the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true, poolSize: 20 });

  const balance = async (userId: string) =>
    (await suite.t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const sessionIdOf = (checkoutUrl: string) => /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)?.[0] ?? "";
  async function checkoutFor(userId: string, packId: "starter" | "pro" | "enterprise" = "starter"): Promise<string> {
    const { checkoutUrl } = await callerFor(suite.t.db, userId).billing.checkout({ packId });
    const purchase = await suite.t.db.purchase.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
    expect(checkoutUrl).toContain(purchase.id);
    return purchase.id;
  }

  it("parallel first checkouts create one Stripe customer; sessions carry the right price, metadata and URLs", async () => {
    const u = await createUser(suite.t.db);
    const caller = callerFor(suite.t.db, u.id);
    const urls = await Promise.all(Array.from({ length: 5 }, () => caller.billing.checkout({ packId: "pro" })));
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.stripeCustomerId).toMatch(/^cus_/);
    const purchases = await suite.t.db.purchase.findMany({ where: { userId: u.id } });
    expect(purchases).toHaveLength(5);
    expect(
      purchases.every(
        (p) => p.status === "pending" && p.credits === 200_000 && p.amountTotal === 1500 && p.currency === "usd",
      ),
    ).toBe(true);
    expect(new Set(urls.map(({ checkoutUrl }) => sessionIdOf(checkoutUrl)))).toEqual(
      new Set(purchases.map((p) => p.id)),
    );
    expect(urls.every(({ checkoutUrl }) => checkoutUrl.startsWith(suite.rig.url))).toBe(true);
    const session = await suite.rig.stripe.checkout.sessions.retrieve(purchases[0]!.id, { expand: ["line_items"] });
    expect(session).toMatchObject({
      mode: "payment",
      client_reference_id: u.id,
      metadata: { userId: u.id, packId: "pro", credits: "200000" },
      success_url: "http://localhost:3000/billing?success=1&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: `http://localhost:3000/billing?canceled=1&checkout=${purchases[0]!.checkoutRef}`,
      amount_total: 1500,
      currency: "usd",
    });
    expect(session.line_items?.data[0]?.price?.id).toBe("price_pro");
    for (const p of purchases) {
      const s = await suite.rig.stripe.checkout.sessions.retrieve(p.id);
      expect(typeof s.customer === "string" ? s.customer : s.customer?.id).toBe(user.stripeCustomerId);
    }
    // A later checkout reuses the stored customer.
    await caller.billing.checkout({ packId: "starter" });
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).stripeCustomerId).toBe(
      user.stripeCustomerId,
    );
  });

  it("paying on the emulator delivers a signed webhook that credits once; confirm agrees", async () => {
    const u = await createUser(suite.t.db);
    const sessionId = await checkoutFor(u.id, "starter");
    const paid = await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(paid.status).toBe(200);
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
    expect(await callerFor(suite.t.db, u.id).billing.confirm({ sessionId })).toEqual({
      status: "paid",
      credited: true,
      credits: 50_000,
    });
    expect(await balance(u.id)).toBe(50_000);
  });

  it("the completed webhook, its redeliveries and confirm racing → credited once", async () => {
    const u = await createUser(suite.t.db);
    const sessionId = await checkoutFor(u.id, "enterprise");
    await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    const events = await suite.rig.stripe.events.list({ type: "checkout.session.completed", limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === sessionId);
    expect(event).toBeDefined();
    const caller = callerFor(suite.t.db, u.id);
    await Promise.all([
      suite.rig.control(`/_emulator/events/${event!.id}/deliver`, { times: 5 }),
      ...Array.from({ length: 5 }, () => caller.billing.confirm({ sessionId })),
    ]);
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(1_000_000), { timeout: 10_000, interval: 50 });
    expect(await suite.t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: sessionId } })).toBe(1);
    expect(await balance(u.id)).toBe(1_000_000);
  });

  it("a declined card credits nothing", async () => {
    const u = await createUser(suite.t.db);
    const sessionId = await checkoutFor(u.id);
    expect(
      (await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4000000000000002" })).status,
    ).toBe(402);
    expect(await callerFor(suite.t.db, u.id).billing.confirm({ sessionId })).toEqual({
      status: "pending",
      credited: false,
      credits: 50_000,
    });
    expect(await balance(u.id)).toBe(0);
  });

  it("a delayed payment credits nothing until async_payment_succeeded", async () => {
    const u = await createUser(suite.t.db);
    const sessionId = await checkoutFor(u.id);
    await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, {
      card: "4242424242424242",
      delayed: true,
    });
    await vi.waitFor(
      async () =>
        expect(
          await suite.t.db.stripeEvent.count({ where: { type: "checkout.session.completed", outcome: "not_paid" } }),
        ).toBeGreaterThan(0),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    expect(await balance(u.id)).toBe(0);
    await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/async_result`, { succeeded: true });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
  });

  it("a partial refund through the SDK claws back its share once; a dispute takes the rest", async () => {
    const u = await createUser(suite.t.db);
    const sessionId = await checkoutFor(u.id);
    await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(50_000), { timeout: 10_000, interval: 50 });
    const purchase = await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } });
    await suite.rig.stripe.refunds.create({ payment_intent: purchase.paymentIntentId!, amount: 125 });
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(37_500), { timeout: 10_000, interval: 50 });
    const pi = await suite.rig.stripe.paymentIntents.retrieve(purchase.paymentIntentId!);
    const chargeId = typeof pi.latest_charge === "string" ? pi.latest_charge : pi.latest_charge!.id;
    await suite.rig.control(`/_emulator/charges/${chargeId}/dispute`, {});
    await vi.waitFor(async () => expect(await balance(u.id)).toBe(0), { timeout: 10_000, interval: 50 });
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "disputed",
      creditsClawedBack: 50_000,
    });
    expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
  });

  it("confirm with another user's session → FORBIDDEN, nothing credited", async () => {
    const owner = await createUser(suite.t.db);
    const other = await createUser(suite.t.db);
    const sessionId = await checkoutFor(owner.id);
    await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(await outcome(callerFor(suite.t.db, other.id), "billing.confirm", { sessionId })).toBe("FORBIDDEN");
    expect(await balance(other.id)).toBe(0);
  });
});

describeEachDb("stripe:reconcile against the emulator (webhooks lost)", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: false });

  it("credits a paid session whose webhook never arrived, once; re-running changes nothing", async () => {
    const u = await createUser(suite.t.db);
    const caller = callerFor(suite.t.db, u.id);
    await caller.billing.checkout({ packId: "pro" });
    await caller.billing.checkout({ packId: "starter" }); // never paid
    const [paidId] = (await suite.t.db.purchase.findMany({ where: { userId: u.id, packId: "pro" } })).map((p) => p.id);
    await suite.rig.control(`/_emulator/checkout/sessions/${paidId}/pay`, { card: "4242424242424242" });
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);

    const first = await reconcileCheckoutSessions({ db: suite.t.db, stripe: suite.rig.stripe }, { days: 3 });
    expect(first).toMatchObject({ fulfilled: 1, alreadyCredited: 0, skipped: 1 });
    expect(first.lines.at(-1)).toBe("1 fulfilled, 0 already credited, 1 skipped");
    const second = await reconcileCheckoutSessions({ db: suite.t.db, stripe: suite.rig.stripe }, { days: 3 });
    expect(second).toMatchObject({ fulfilled: 0, alreadyCredited: 1, skipped: 1 });
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(200_000);
    expect(await suite.t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: paidId } })).toBe(1);
  });
});
