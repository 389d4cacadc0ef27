import type { Db } from "~/server/db";
import { env } from "~/env";
import { appRateLimitStore, databaseStore, type RateLimitStore } from "~/server/rate-limit";

const perDatabase = new WeakMap<Db, RateLimitStore>();

/**
 * The store chat limits count in: Redis when configured, else the database the request uses
 * (the app's own in production), so a caller on another database never touches the app's.
 */
export function chatRateLimitStore(db: Db): RateLimitStore {
  if (env.REDIS_URL) return appRateLimitStore();
  let store = perDatabase.get(db);
  if (!store) {
    store = databaseStore(db);
    perDatabase.set(db, store);
  }
  return store;
}
