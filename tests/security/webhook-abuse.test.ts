import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";

import { POST } from "~/app/api/stripe/webhook/route";
import {
  CHECKOUT_REF_TYPE,
  setStripeClientForTests,
  SIGNATURE_TOLERANCE_SECONDS,
  stripeSettingsFrom,
} from "~/server/billing";
import type { Db } from "~/server/db";

import { checkoutSession, signedRequest, soldSession, stripeBook, stripeEvent } from "../billing/stripe-fixtures";
import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { captureLogs } from "./log-capture";

// Through the real route handler. tests/billing/fulfilment.test.ts and webhook-signature.test.ts prove the
// core refusals on the webhook logic; this suite adds the attacker's view: the HTTP answer, that no credit
// moved anywhere, and that every refusal leaves a structured log line saying why.
const current = vi.hoisted(() => ({ db: undefined as unknown as Db }));
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));

describeEachDb("webhook abuse", (kind) => {
  let t: TestDb;
  const secret = stripeSettingsFrom().webhookSecret!;
  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
    setStripeClientForTests(stripeBook.client);
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;

  /** Posts to the route; returns the status, the answer and the structured log lines it wrote. */
  async function post(req: Request) {
    const { result, logs } = await captureLogs(async () => {
      const res = await POST(req);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    return { ...result, logs: logs.events };
  }

  it("a forged signature (another secret, a v0-only header, an unsigned copy of a real header) → 400, nothing written, logged", async () => {
    const u = await createUser(t.db);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", checkoutSession(u.id, "enterprise")));
    const genuine = Stripe.webhooks.generateTestHeaderString({ payload: "{}", secret });
    const v1 = /v1=([0-9a-f]+)/.exec(genuine)![1]!;
    const timestamp = /t=(\d+)/.exec(genuine)![1]!;
    const forgeries = [
      signedRequest(payload, { secret: "whsec_guessed_by_an_attacker" }),
      signedRequest(payload, { header: `t=${timestamp},v0=${v1}` }),
      signedRequest(payload, { header: genuine }), // a real signature, but of another body
    ];
    const before = await snapshot(t.db);
    for (const req of forgeries) {
      const res = await post(req);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "invalid_signature" });
      expect(res.logs).toContainEqual(
        expect.objectContaining({ msg: "stripe_webhook_rejected", reason: "invalid_signature", level: "warn" }),
      );
    }
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("a captured valid delivery replayed: within the tolerance a no-op duplicate, after it → 400; credited once", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "pro");
    const body = JSON.stringify(stripeEvent("checkout.session.completed", session));
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const replay = () =>
      new Request("http://localhost/api/stripe/webhook", {
        method: "POST",
        body,
        headers: { "stripe-signature": header, "content-type": "application/json" },
      });

    expect((await post(replay())).body).toEqual({ received: true, outcome: "credited" });
    const duplicate = await post(replay());
    expect(duplicate.body).toEqual({ received: true, outcome: "credited" });
    expect(duplicate.logs).toContainEqual(expect.objectContaining({ msg: "stripe_event", duplicate: true }));

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (SIGNATURE_TOLERANCE_SECONDS + 1) * 1000);
    const before = await snapshot(t.db);
    const late = await post(replay());
    expect(late.status).toBe(400);
    expect(late.logs).toContainEqual(
      expect.objectContaining({ msg: "stripe_webhook_rejected", reason: "invalid_signature" }),
    );
    expect(await snapshot(t.db)).toEqual(before);
    vi.useRealTimers();

    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } })).toBe(1);
    expect(await balance(u.id)).toBe(200_000);
  });

  it("a new event signed with an expired timestamp → 400, nothing credited", async () => {
    const u = await createUser(t.db);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", checkoutSession(u.id)));
    const res = await post(
      signedRequest(payload, { secret, timestamp: Math.floor(Date.now() / 1000) - SIGNATURE_TOLERANCE_SECONDS - 60 }),
    );
    expect(res.status).toBe(400);
    expect(await balance(u.id)).toBe(0);
  });

  it("a valid event for a session billing.checkout never opened (even for a user that does not exist) → 200 refused, nothing written, logged", async () => {
    const session = checkoutSession("no-such-user");
    const before = await snapshot(t.db);
    const res = await post(
      signedRequest(JSON.stringify(stripeEvent("checkout.session.completed", session)), { secret }),
    );
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: "refused:no_pending_purchase" } });
    expect(res.logs).toContainEqual(
      expect.objectContaining({
        msg: "checkout_fulfil_refused",
        sessionId: session.id,
        reason: "no_pending_purchase",
        level: "warn",
      }),
    );
    const after = await snapshot(t.db);
    expect({ ...after, events: before.events }).toEqual(before); // only the event id is recorded
    expect(after.events).toBe((before.events as number) + 1);
  });

  it.each([
    ["paid less than the pack", { amount_total: 499 }, "amount_mismatch"],
    ["paid more than the pack", { amount_total: 5000 }, "amount_mismatch"],
    ["paid in another currency", { currency: "jpy" }, "amount_mismatch"],
    [
      "the starter price for the enterprise pack",
      { metadata: { packId: "enterprise", credits: "1000000" } },
      "amount_mismatch",
    ],
    [
      "the starter price with inflated credits",
      { metadata: { packId: "starter", credits: "1000000" } },
      "credits_mismatch",
    ],
    ["a pack that does not exist", { metadata: { packId: "unlimited", credits: "1" } }, "unknown_pack"],
  ] as const)("a session Stripe records with %s → 200 refused, no credits, logged", async (_label, patch, reason) => {
    const u = await createUser(t.db);
    const base = await soldSession(t.db, u.id, "starter");
    const session = stripeBook.record({
      ...base,
      ...patch,
      metadata: { ...base.metadata, ...("metadata" in patch ? patch.metadata : {}) },
    } as Stripe.Checkout.Session);
    const before = await snapshot(t.db);
    const res = await post(
      signedRequest(JSON.stringify(stripeEvent("checkout.session.completed", session)), { secret }),
    );
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: `refused:${reason}` } });
    expect(res.logs).toContainEqual(
      expect.objectContaining({ msg: "checkout_fulfil_refused", sessionId: session.id, reason }),
    );
    const after = await snapshot(t.db);
    expect({ ...after, events: before.events }).toEqual(before);
  });

  it("a session id reused for another user (already paid, or still pending) → refused, owner keeps it, logged", async () => {
    const owner = await createUser(t.db);
    const thief = await createUser(t.db);
    const paid = await soldSession(t.db, owner.id, "starter");
    expect(
      (await post(signedRequest(JSON.stringify(stripeEvent("checkout.session.completed", paid)), { secret }))).body
        .outcome,
    ).toBe("credited");
    const pending = await soldSession(t.db, owner.id, "pro", { payment_status: "unpaid", status: "open" });

    for (const stolen of [paid, pending]) {
      const reused = checkoutSession(thief.id, "starter", { id: stolen.id }); // Stripe's record now names the thief
      const res = await post(
        signedRequest(JSON.stringify(stripeEvent("checkout.session.completed", reused)), { secret }),
      );
      expect(res.body.outcome).toBe("refused:session_user_mismatch");
      expect(res.logs).toContainEqual(
        expect.objectContaining({
          msg: "checkout_fulfil_refused",
          sessionId: stolen.id,
          reason: "session_user_mismatch",
        }),
      );
      expect((await t.db.purchase.findUniqueOrThrow({ where: { id: stolen.id } })).userId).toBe(owner.id);
    }
    expect(await balance(thief.id)).toBe(0);
    expect(await balance(owner.id)).toBe(50_000);
    expect(await t.db.creditLedger.count({ where: { userId: thief.id } })).toBe(0);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
