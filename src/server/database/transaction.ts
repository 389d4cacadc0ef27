import type { Prisma } from "~/generated/prisma/client";

import type { Db } from "./create-client";

export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

// Generous limits: under contention (hundreds of concurrent spends on one account)
// transactions queue for a pool connection or a row lock well beyond Prisma's 2 s default.
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

/** Runs `fn` in a transaction: a new one on a client, or the caller's when given a transaction. */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // A transaction client still exposes $transaction, but only the root client can disconnect.
  if (typeof (db as Partial<Db>).$disconnect === "function") {
    return (db as Db).$transaction(fn, TX_OPTIONS);
  }
  return fn(db as Tx);
}
