import type { Redis } from "ioredis";

import { Prisma } from "~/generated/prisma/client";
import { commitWithoutFlush } from "~/server/database/commit-without-flush";
import { driverRows } from "~/server/database/driver-rows";
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
      // Every limited request counts here first: straight to the driver, and without waiting for the
      // WAL flush (a count lost in a database crash lets a few requests more through, nothing else),
      // so the count's row lock, which a user's concurrent requests queue on, is held the shortest.
      const rows = await driverRows<{ count: number }>(
        db,
        Prisma.sql`
        INSERT INTO "RateLimit" (key, "windowStart", count, "expiresAt")
        SELECT ${key}, ${windowStart}, 1, ${expiresAt} FROM (SELECT 1) AS hit ${commitWithoutFlush(db)}
        ON CONFLICT (key, "windowStart") DO UPDATE SET count = "RateLimit".count + 1
        RETURNING count`,
      );
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
