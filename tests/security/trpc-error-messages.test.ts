import { createServer } from "node:net";

import { PrismaClientValidationError } from "@prisma/client/runtime/client";
import { TRPCError } from "@trpc/server";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { GET, POST } from "~/app/api/trpc/[trpc]/route";
import { env } from "~/env";
import { errorDetail } from "~/server/api/public-errors";
import { EMULATOR_SECRET_KEY, setStripeClientForTests } from "~/server/billing";
import type { Db } from "~/server/db";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { captureLogs } from "./log-capture";

const current = vi.hoisted(() => ({ db: undefined as unknown as Db, userId: null as string | null }));
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));
vi.mock("~/server/auth/session", () => ({ getSessionUserId: () => Promise.resolve(current.userId) }));

const APP = new URL(env.APP_URL).origin;

interface ErrorJson {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; stack?: string; zodError: unknown; domainCode: string | null };
}

async function call(method: "GET" | "POST", path: string, input?: unknown, headers: Record<string, string> = {}) {
  const req =
    method === "GET"
      ? new Request(`${APP}/api/trpc/${path}`, { headers })
      : new Request(`${APP}/api/trpc/${path}`, {
          method,
          headers: { "content-type": "application/json", origin: APP, ...headers },
          body: JSON.stringify({ json: input }),
        });
  const res = await (method === "GET" ? GET(req) : POST(req));
  const text = await res.text();
  const error = text.startsWith("{") ? (JSON.parse(text) as { error?: { json: ErrorJson } }).error?.json : undefined;
  return { status: res.status, headers: res.headers, text, error };
}

/** A loopback port nothing listens on: Stripe "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeEachDb("tRPC error messages", (kind) => {
  let t: TestDb;
  let stripeDown: Stripe;
  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
    stripeDown = new Stripe(EMULATOR_SECRET_KEY, {
      host: "127.0.0.1",
      port: await closedPort(),
      protocol: "http",
      maxNetworkRetries: 0,
    });
    setStripeClientForTests(stripeDown);
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  async function stripeFailure(): Promise<string> {
    return stripeDown.customers.create({}).then(
      () => "",
      (e: Error) => e.message,
    );
  }

  it("production: an unexpected failure (Stripe unreachable in checkout) reaches the client as a generic 500; the log has the detail and ids", async () => {
    const internal = await stripeFailure();
    expect(internal.length).toBeGreaterThan(10);
    current.userId = (await createUser(t.db)).id;
    vi.stubEnv("NODE_ENV", "production");
    const { result, logs } = await captureLogs(() => call("POST", "billing.checkout", { packId: "starter" }));
    expect(result.status).toBe(500);
    expect(result.error).toMatchObject({
      message: "Something went wrong.",
      data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
    });
    expect(result.error!.data.stack).toBeUndefined();
    expect(result.text).not.toContain(internal);
    expect(result.text).not.toMatch(/stripe|ECONNREFUSED|127\.0\.0\.1/i);
    expect(await t.db.purchase.count({ where: { userId: current.userId } })).toBe(0);
    expect(logs.events).toContainEqual(
      expect.objectContaining({
        level: "error",
        msg: "trpc_error",
        path: "billing.checkout",
        code: "INTERNAL_SERVER_ERROR",
        userId: current.userId,
        error: internal,
        cause: "StripeConnectionError",
      }),
    );
  });

  it("production: the same inside a streamed batch (the browser's format)", async () => {
    const internal = await stripeFailure();
    current.userId = (await createUser(t.db)).id;
    vi.stubEnv("NODE_ENV", "production");
    const req = new Request(`${APP}/api/trpc/billing.checkout?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP, "trpc-accept": "application/jsonl" },
      body: JSON.stringify({ 0: { json: { packId: "starter" } } }),
    });
    const { result: text } = await captureLogs(async () => (await POST(req)).text());
    expect(text).toContain("Something went wrong.");
    expect(text).not.toContain(internal);
    expect(text).not.toMatch(/stripe|ECONNREFUSED/i);
  });

  it("production: expected errors keep their message and data (the paywall reads PAYMENT_REQUIRED; forms read zod details)", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const broke = (current.userId = (await createUser(t.db)).id);
    const conversation = await call("POST", "chat.createConversation", {});
    const conversationId = (JSON.parse(conversation.text) as { result: { data: { json: { id: string } } } }).result.data
      .json.id;

    const paywall = await call("POST", "chat.send", { conversationId, content: "hi" });
    expect(paywall.status).toBe(402);
    expect(paywall.error).toMatchObject({
      message: expect.stringMatching(/^Insufficient credits/),
      data: { code: "PAYMENT_REQUIRED", domainCode: "insufficient_credits" },
    });

    const badInput = await call("POST", "billing.checkout", { packId: "mega" });
    expect(badInput.status).toBe(400);
    expect(badInput.error!.data.zodError).toMatchObject({ fieldErrors: { packId: expect.any(Array) } });

    const notFound = await call(
      "GET",
      "chat.messages?input=" + encodeURIComponent(JSON.stringify({ json: { conversationId: "nope" } })),
    );
    expect(notFound.error).toMatchObject({
      message: "Conversation nope not found.",
      data: { code: "NOT_FOUND", domainCode: "conversation_not_found" },
    });

    current.userId = null;
    const signedOut = await call("GET", "credits.balance");
    expect(signedOut.error).toMatchObject({ message: "Sign in to continue.", data: { code: "UNAUTHORIZED" } });

    // Checkout's per-user limit counts attempts before Stripe is asked, so failed attempts count too.
    current.userId = broke;
    const { result: attempts } = await captureLogs(async () => {
      const out = [];
      for (let i = 0; i <= env.RATE_LIMIT_CHECKOUT_PER_USER.limit; i++)
        out.push(await call("POST", "billing.checkout", { packId: "starter" }));
      return out;
    });
    const limited = attempts.at(-1)!;
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({
      message: expect.stringMatching(/^Too many requests/),
      data: { code: "TOO_MANY_REQUESTS", domainCode: "rate_limited" },
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("outside production the internal message is shown (developers read it in the browser console)", async () => {
    const internal = await stripeFailure();
    current.userId = (await createUser(t.db)).id;
    const { result } = await captureLogs(() => call("POST", "billing.checkout", { packId: "starter" }));
    expect(result.status).toBe(500);
    expect(result.error!.message).toBe(internal);
  });
});

describe("the trpc_error log line", () => {
  it("keeps the message and stack, except a Prisma validation error's, which echoes the query's arguments", () => {
    const bug = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("capture") });
    expect(errorDetail(bug)).toMatchObject({
      error: "capture",
      cause: "Error",
      stack: expect.stringContaining("capture"),
    });
    const echo = new PrismaClientValidationError(
      'Invalid `prisma.conversation.create()`: { title: "my private words" }',
      { clientVersion: "7" },
    );
    const detail = errorDetail(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: echo }));
    expect(detail.cause).toBe("PrismaClientValidationError");
    expect(JSON.stringify(detail)).not.toContain("private");
  });
});
