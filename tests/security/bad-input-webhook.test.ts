import Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { POST } from "~/app/api/stripe/webhook/route";
import { MAX_WEBHOOK_BYTES, setStripeClientForTests, stripeSettingsFrom } from "~/server/billing";
import type { Db } from "~/server/db";

import { checkoutSession, signedRequest, soldSession, stripeBook, stripeEvent } from "../billing/stripe-fixtures";
import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { captureLogs } from "./log-capture";

// The webhook route's half of the bad-input suite (tests/security/bad-input.test.ts covers every tRPC procedure).
const current = vi.hoisted(() => ({ db: undefined as unknown as Db }));
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));

const URL_ = "http://localhost/api/stripe/webhook";

describeEachDb("bad input to the Stripe webhook route", (kind) => {
  let t: TestDb;
  let userId: string;
  const secret = stripeSettingsFrom().webhookSecret!;
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

  const event = () => stripeEvent("checkout.session.completed", checkoutSession(userId));
  const signed = (payload: string) => signedRequest(payload, { secret });
  const withHeader = (header: string) => signedRequest(JSON.stringify(event()), { header });
  const streamed = (bytes: number) => {
    const payload = JSON.stringify({ ...event(), pad: "x".repeat(bytes) });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        const data = new TextEncoder().encode(payload);
        for (let i = 0; i < data.length; i += 16_384) c.enqueue(data.subarray(i, i + 16_384));
        c.close();
      },
    });
    // No Content-Length: the size is only known by reading, which must stop at the bound.
    return new Request(URL_, {
      method: "POST",
      body,
      headers: { "stripe-signature": header },
      duplex: "half",
    } as RequestInit);
  };

  const CASES: [string, number, () => Request][] = [
    ["no Stripe-Signature header", 400, () => signedRequest(JSON.stringify(event()), { header: null })],
    ["an empty Stripe-Signature header", 400, () => withHeader("")],
    ["a garbage Stripe-Signature header", 400, () => withHeader("garbage")],
    ["a NaN timestamp", 400, () => withHeader("t=NaN,v1=00")],
    ["a negative timestamp", 400, () => withHeader("t=-1,v1=00")],
    ["a non-hex signature", 400, () => withHeader(`t=${Math.floor(Date.now() / 1000)},v1=zzzz`)],
    ["a 16 KiB signature header", 400, () => withHeader(`t=${Math.floor(Date.now() / 1000)},${"v1=ab,".repeat(2700)}`)],
    ["unicode in the signature header", 400, () => withHeader(`t=${Math.floor(Date.now() / 1000)},v1=\u00e9\u00e9`)],
    ["an empty body (signed)", 400, () => signed("")],
    ["a non-JSON body (signed)", 400, () => signed("{not json")],
    ["a form-encoded body (signed)", 400, () => signed("id=evt_1&type=checkout.session.completed")],
    ["invalid UTF-8 bytes (signed)", 400, () => signed(Buffer.from([0xff, 0xfe, 0xfd]).toString("latin1"))],
    ["a JSON array (signed)", 400, () => signed("[]")],
    ["a JSON string (signed)", 400, () => signed('"evt_1"')],
    ["a JSON number (signed)", 400, () => signed("42")],
    ["JSON null (signed)", 400, () => signed("null")],
    ["an event without data.object (signed)", 400, () => signed(JSON.stringify({ ...event(), data: {} }))],
    [
      "an event whose data.object is null (signed)",
      400,
      () => signed(JSON.stringify({ ...event(), data: { object: null } })),
    ],
    ["an event with a numeric id (signed)", 400, () => signed(JSON.stringify({ ...event(), id: 12345 }))],
    [
      "an event with a 300-char id (signed)",
      400,
      () => signed(JSON.stringify({ ...event(), id: `evt_${"a".repeat(296)}` })),
    ],
    ["an event id with a NUL byte (signed)", 400, () => signed(JSON.stringify({ ...event(), id: "evt_\u0000x" }))],
    [
      "an event type with a NUL byte (signed)",
      400,
      () => signed(JSON.stringify({ ...event(), type: "checkout.session.completed\u0000" })),
    ],
    ["an event without a type (signed)", 400, () => signed(JSON.stringify({ ...event(), type: undefined }))],
    [
      "a body just over the bound (signed)",
      413,
      () => signed(JSON.stringify({ ...event(), pad: "x".repeat(MAX_WEBHOOK_BYTES) })),
    ],
    ["a streamed body over the bound, no Content-Length", 413, () => streamed(MAX_WEBHOOK_BYTES + 1)],
    [
      "a declared Content-Length over the bound",
      413,
      () => {
        const req = signed(JSON.stringify(event()));
        return new Request(URL_, {
          method: "POST",
          body: JSON.stringify(event()),
          headers: {
            "stripe-signature": req.headers.get("stripe-signature")!,
            "content-length": String(MAX_WEBHOOK_BYTES + 1),
          },
        });
      },
    ],
  ];

  it("has cases for headers, body shape and size", () => {
    expect(CASES.length).toBeGreaterThan(20);
  });

  it.each(CASES)("%s → %i, database unchanged, logged", async (_label, status, request) => {
    const before = await snapshot(t.db);
    const { result: res, logs } = await captureLogs(() => POST(request()));
    expect(res.status).toBe(status);
    const { error } = (await res.json()) as { error: string };
    expect(logs.events).toContainEqual(expect.objectContaining({ msg: "stripe_webhook_rejected", reason: error }));
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("the valid request the cases were derived from is accepted (the table is not vacuous)", async () => {
    const res = await POST(
      signed(JSON.stringify(stripeEvent("checkout.session.completed", await soldSession(t.db, userId)))),
    );
    expect(res.status).toBe(200);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance).toBe(50_000);
  });
});
