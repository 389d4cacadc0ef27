import type { Redis } from "ioredis";

import type { DbOrTx } from "~/server/database/transaction";

/** Counts hits in fixed windows. Shared by every app instance (database or Redis), never in-process. */
export interface RateLimitStore {
  /** Adds one hit to `key` in the window starting at `windowStart`; returns the count so far. */
  hit(key: string, windowStart: Date, windowSeconds: number): Promise<number>;
}

export function databaseStore(db: DbOrTx): RateLimitStore {
  let lastCleanup = 0;
  return {
    async hit(key, windowStart, windowSeconds) {
      const expiresAt = new Date(windowStart.getTime() + windowSeconds * 1000);
      const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimit" (key, "windowStart", count, "expiresAt")
        VALUES (${key}, ${windowStart}, 1, ${expiresAt})
        ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimit".count + 1
        RETURNING count`;
      if (Date.now() - lastCleanup > 60_000) {
        lastCleanup = Date.now();
        // Windows that ended before the one being counted can never matter again.
        await db.$executeRaw`DELETE FROM "RateLimit" WHERE "expiresAt" < ${windowStart}`;
      }
      return Number(rows[0]?.count ?? 1);
    },
  };
}

export function redisStore(redis: Redis): RateLimitStore {
  return {
    async hit(key, windowStart, windowSeconds) {
      const redisKey = `tally:rl:${key}:${windowStart.getTime()}`;
      const [[, count]] = (await redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, windowSeconds * 1000 + 1000)
        .exec()) as [[unknown, number]];
      return count;
    },
  };
}
