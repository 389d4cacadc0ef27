import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDbHandle } from "~/server/database/create-client";
import { consume, RateLimitedError } from "~/server/rate-limit/rate-limit";
import { databaseStore, redisStore } from "~/server/rate-limit/store";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

const rule = { name: "test", limit: 3, windowSeconds: 60 };

describeEachDb("rate limits (database store)", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("allows `limit` hits per window, then refuses with a Retry-After inside the window", async () => {
    const store = databaseStore(t.db);
    const now = Date.UTC(2026, 0, 1, 12, 0, 15);
    for (let i = 0; i < 3; i++) await consume(store, rule, "alice", now);
    const err = await consume(store, rule, "alice", now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBe(45);
    await consume(store, rule, "bob", now);
    await consume(store, rule, "alice", now + 60_000);
  });

  it("concurrent hits never let more than `limit` through", async () => {
    const store = databaseStore(t.db);
    const now = Date.UTC(2026, 0, 2);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => consume(store, rule, "burst", now)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
  });

  if (kind === "postgres") {
    it("holds across app instances sharing the database", async () => {
      const other = createDbHandle({ databaseUrl: t.url });
      try {
        const now = Date.UTC(2026, 0, 3);
        await consume(databaseStore(t.db), rule, "multi", now);
        await consume(databaseStore(other.db), rule, "multi", now);
        await consume(databaseStore(t.db), rule, "multi", now);
        await expect(consume(databaseStore(other.db), rule, "multi", now)).rejects.toBeInstanceOf(RateLimitedError);
      } finally {
        await other.close();
      }
    });
  }
});

describe("rate limits (redis store)", () => {
  const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(url, { maxRetriesPerRequest: 1 });
    b = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
  });

  it("shares counts across connections (instances) and refuses over the limit", async () => {
    const subject = `r-${Date.now()}-${Math.random()}`;
    const now = Date.now();
    await consume(redisStore(a), rule, subject, now);
    await consume(redisStore(b), rule, subject, now);
    await consume(redisStore(a), rule, subject, now);
    await expect(consume(redisStore(b), rule, subject, now)).rejects.toBeInstanceOf(RateLimitedError);
  });
});
