import { env } from "~/env";

import { createDbHandle, type Db, type DbHandle } from "./database/create-client";

export type { Db } from "./database/create-client";

const globalForDb = globalThis as unknown as { tallyDb?: DbHandle };

/** The app's one database handle; survives dev hot reloads; opened on first use. */
export function getDbHandle(): DbHandle {
  globalForDb.tallyDb ??= createDbHandle({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.PGLITE_DATA_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
  });
  return globalForDb.tallyDb;
}

export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = getDbHandle().db;
    const value = Reflect.get(real, prop, real) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

/** Closes the handle if it was opened (an embedded PGlite directory is released for the next owner). */
export async function closeDbHandle(): Promise<void> {
  const handle = globalForDb.tallyDb;
  globalForDb.tallyDb = undefined;
  await handle?.close();
}
