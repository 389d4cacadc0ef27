import type { Prisma } from "~/generated/prisma/client";

import type { Db } from "./create-client";

export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

// Generous limits: under contention (hundreds of concurrent spends on one account)
// transactions queue for a pool connection or a row lock well beyond Prisma's 2 s default.
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

/** Work to run once the transaction a write belongs to has committed (e.g. its log line). */
const afterCommit = new WeakMap<Tx, (() => void)[]>();

/** Whether `db` is a transaction (a caller's), not the root client. */
export function isTransaction(db: DbOrTx): db is Tx {
  // A transaction client still exposes $transaction, but only the root client can disconnect.
  return typeof (db as Partial<Db>).$disconnect !== "function";
}

/** Runs `fn` in a transaction: a new one on a client, or the caller's when given a transaction. */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTransaction(db)) return fn(db);
  let committed: (() => void)[] = [];
  const result = await (db as Db).$transaction((tx) => {
    committed = [];
    afterCommit.set(tx, committed);
    return fn(tx);
  }, TX_OPTIONS);
  for (const run of committed) run();
  return result;
}

/**
 * Runs `run` after the transaction `tx` commits, and never if it rolls back. For a transaction
 * not opened by inTransaction (its commit cannot be observed here) it runs at once.
 */
export function onCommit(tx: Tx, run: () => void): void {
  const pending = afterCommit.get(tx);
  if (pending) pending.push(run);
  else run();
}
