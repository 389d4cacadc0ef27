import { Prisma } from "~/generated/prisma/client";

import { isTransaction, type DbOrTx } from "./transaction";

/**
 * A FROM item that makes a one-statement write commit without waiting for its WAL flush
 * (PostgreSQL's synchronous_commit = off for that statement's own transaction only), so the row
 * locks it takes are released one flush earlier. A database crash in the next few hundred
 * milliseconds may lose that commit, but never a later synchronous one: WAL is flushed in order, so
 * any durable commit after it makes it durable too. Use only for a write whose loss is the same as
 * the app crashing at that moment (a hold: the reply it pays for cannot be settled, nobody is
 * charged; a rate-limit count: a few requests more get through; a webhook event's record: a redelivery is
 * processed again, a no-op by the ledger's refs). Empty inside a caller's
 * transaction: that commit is the caller's to make.
 */
export function commitWithoutFlush(db: DbOrTx): Prisma.Sql {
  if (isTransaction(db)) return Prisma.empty;
  return Prisma.sql`CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS commit_without_flush`;
}
