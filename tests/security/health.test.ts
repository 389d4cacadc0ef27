import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { GET as live } from "~/app/api/health/live/route";
import { GET } from "~/app/api/health/route";
import { env } from "~/env";
import type { Db } from "~/server/db";
import { processDrain } from "~/server/shutdown/drain";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

const current = vi.hoisted(() => ({ db: undefined as unknown as Db }));
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));

/** A database whose every query fails (or never answers), as when the server is gone or the network hangs. */
const unreachable = (hang: boolean) =>
  new Proxy({} as Db, {
    get: () => () =>
      hang
        ? new Promise(() => {})
        : Promise.reject(new Error(`connect ECONNREFUSED ${env.DATABASE_URL ?? "postgres://secret@db"}`)),
  });

describeEachDb("GET /api/health", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await t.db.$queryRaw`SELECT 1`; // opens (and, for PGlite, migrates) the database before the probe's 2 s timeout applies
  });
  afterAll(() => t.close());

  const secrets = () =>
    [
      env.AUTH_SECRET,
      t.url,
      t.url && new URL(t.url).password,
      process.env.STRIPE_SECRET_KEY,
      process.env.STRIPE_WEBHOOK_SECRET,
    ].filter((s): s is string => !!s && s.length > 3);

  async function check(): Promise<{
    status: number;
    body: Record<string, unknown>;
    text: string;
    cache: string | null;
  }> {
    const res = await GET();
    const text = await res.text();
    return {
      status: res.status,
      body: JSON.parse(text) as Record<string, unknown>,
      text,
      cache: res.headers.get("cache-control"),
    };
  }

  it("database reachable → 200 with only status, database and latency; never cached", async () => {
    current.db = t.db;
    const res = await check();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: "up", latencyMs: expect.any(Number) });
    expect(res.cache).toBe("no-store");
    for (const s of secrets()) expect(res.text).not.toContain(s);
  });

  it("database refusing connections → 503 degraded, and the error (with its connection string) is not echoed", async () => {
    current.db = unreachable(false);
    const res = await check();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "degraded", database: "down", latencyMs: expect.any(Number) });
    expect(res.text).not.toMatch(/ECONNREFUSED|postgres:/);
  });

  it("database hanging → 503 within the probe's timeout instead of hanging the load balancer", async () => {
    current.db = unreachable(true);
    const started = Date.now();
    const res = await check();
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

// After the database suites: draining cannot be undone in this process.
describe("GET /api/health while the server shuts down", () => {
  it("while the server shuts down → readiness 503 draining (the database is not even asked); liveness stays 200", async () => {
    current.db = unreachable(true);
    expect(live().status).toBe(200);
    await processDrain().drain(0);
    const res = await GET();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "draining", database: "unchecked" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const alive = live();
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ status: "alive" });
  });
});
