import Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { POST } from "~/app/api/stripe/webhook/route";
import { MAX_WEBHOOK_BYTES, setStripeClientForTests, stripeSettingsFrom } from "~/server/billing";
import type { Db } from "~/server/db";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { checkoutSession, signedRequest, soldSession, stripeBook, stripeEvent } from "./stripe-fixtures";

// The route reads the app's one database handle; point it at this suite's test database.
const current = vi.hoisted(() => ({ db: undefined as unknown as Db }));
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));

describeEachDb("stripe webhook route: signature and body checks", (kind) => {
  let t: TestDb;
  const secret = stripeSettingsFrom().webhookSecret!;
  let userId: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
    setStripeClientForTests(stripeBook.client);
    userId = (await createUser(t.db)).id;
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  const payload = () => JSON.stringify(stripeEvent("checkout.session.completed", checkoutSession(userId)));

  async function rejected(req: Request, status = 400): Promise<string> {
    const before = await snapshot(t.db);
    const res = await POST(req);
    expect(res.status).toBe(status);
    expect(await snapshot(t.db)).toEqual(before);
    return ((await res.json()) as { error: string }).error;
  }

  it("a correctly signed event is accepted and credits the purchase", async () => {
    const res = await POST(
      signedRequest(JSON.stringify(stripeEvent("checkout.session.completed", await soldSession(t.db, userId))), {
        secret,
      }),
    );
    expect(res.status).toBe(200);
    // no-transform: the server's compression leaves a body this small alone.
    expect(res.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(await res.json()).toEqual({ received: true, outcome: "credited" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance).toBe(50_000);
  });

  it("wrong secret → 400, nothing written", async () => {
    expect(await rejected(signedRequest(payload(), { secret: "whsec_someone_else" }))).toBe("invalid_signature");
  });

  it("tampered body → 400, nothing written", async () => {
    const body = payload();
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const tampered = body.replace('"credits":"50000"', '"credits":"500000"');
    expect(tampered).not.toBe(body);
    expect(await rejected(signedRequest(tampered, { header }))).toBe("invalid_signature");
  });

  it("timestamp older than the 300 s tolerance → 400, nothing written", async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 301;
    expect(await rejected(signedRequest(payload(), { secret, timestamp }))).toBe("invalid_signature");
  });

  it("missing or malformed Stripe-Signature header → 400, nothing written", async () => {
    expect(await rejected(signedRequest(payload(), { header: null }))).toBe("missing_signature");
    expect(await rejected(signedRequest(payload(), { header: "t=1,v1=deadbeef" }))).toBe("invalid_signature");
  });

  it("bad JSON (correctly signed) → 400, nothing written", async () => {
    expect(await rejected(signedRequest("{not json", { secret }))).toBe("invalid_payload");
    expect(await rejected(signedRequest(JSON.stringify({ id: "evt_1", type: "x" }), { secret }))).toBe(
      "invalid_payload",
    );
  });

  it("oversized body → 413 before parsing, nothing written", async () => {
    const big = JSON.stringify({
      ...stripeEvent("checkout.session.completed", checkoutSession(userId)),
      pad: "x".repeat(MAX_WEBHOOK_BYTES),
    });
    expect(await rejected(signedRequest(big, { secret }), 413)).toBe("payload_too_large");
  });

  it("an unhandled event type → 200 ignored", async () => {
    const res = await POST(
      signedRequest(JSON.stringify(stripeEvent("customer.created", { id: "cus_1", object: "customer" })), { secret }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, outcome: "ignored" });
  });
});
