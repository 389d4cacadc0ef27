/**
 * The stale-hold sweep, in one place: a hold whose work died without settling (its process
 * crashed, the database was down past its retries) still reserves credits. Once past its
 * expiry the sweep closes it: a domain that can charge from what was delivered (chat replies)
 * passes a closer for its ref type; every other hold is released for nothing. Called by the
 * scheduled job (src/server/jobs), the operator's release-stale-holds, and by chat before a
 * user's next message (for that user only).
 */
import type { DbOrTx } from "~/server/database/transaction";

import { release } from "./holds";
import type { LedgerRefType } from "./ref-types";

/** Closes one expired hold from its own domain's record; false when someone else closed it first. */
export type StaleHoldCloser = (holdId: string) => Promise<boolean>;

export interface StaleHoldSweep {
  now?: Date;
  /** Only this user's holds. */
  userId?: string;
  /** Holds of these ref types are closed by their domain, never released for nothing. */
  closers?: Partial<Record<LedgerRefType, StaleHoldCloser>>;
  /** Only the holds that have a closer (a domain sweeping its own). */
  onlyClosers?: boolean;
}

export interface SweepCounts {
  /** Closed by their domain's closer. */
  closed: number;
  /** Released for nothing. */
  released: number;
}

const BATCH = 1000;

export async function sweepStaleHolds(db: DbOrTx, sweep: StaleHoldSweep = {}): Promise<SweepCounts> {
  const closers = sweep.closers ?? {};
  const stale = await db.creditHold.findMany({
    where: {
      status: "active",
      expiresAt: { lt: sweep.now ?? new Date() },
      ...(sweep.userId ? { userId: sweep.userId } : {}),
      ...(sweep.onlyClosers ? { refType: { in: Object.keys(closers) } } : {}),
    },
    select: { id: true, refType: true },
    take: BATCH,
  });
  const counts: SweepCounts = { closed: 0, released: 0 };
  for (const hold of stale) {
    const close = closers[hold.refType as LedgerRefType];
    if (close) {
      if (await close(hold.id)) counts.closed += 1;
    } else if (await release(db, hold.id)) {
      counts.released += 1;
    }
  }
  return counts;
}

/** Releases every expired hold for nothing (no domain closers). Returns how many. */
export async function releaseStaleHolds(db: DbOrTx, now: Date = new Date()): Promise<number> {
  return (await sweepStaleHolds(db, { now })).released;
}
