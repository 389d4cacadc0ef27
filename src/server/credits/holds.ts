/**
 * Holds reserve credits for metered work whose final cost is known only afterwards (a chat
 * reply). A hold lowers the spendable balance at once; settle charges the actual cost (capped
 * at the hold) and frees the rest; release frees it all. Lock order is always hold → account.
 */
import { randomUUID } from "node:crypto";

import type { CreditHold, CreditLedger } from "~/generated/prisma/client";
import { inTransaction, onCommit, type DbOrTx, type Tx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";

import { appendEntry, assertCreditAmount, assertSpendable, lockAccount, type LedgerRef } from "./account";
import { HoldNotActiveError } from "./errors";

export interface ReserveInput extends LedgerRef {
  userId: string;
  amount: number;
  ttlSeconds: number;
}

/** Idempotent by ref: reserving the same ref twice returns the first hold. */
export async function reserve(db: DbOrTx, input: ReserveInput): Promise<CreditHold> {
  assertCreditAmount(input.amount);
  return inTransaction(db, async (tx) => {
    const account = await lockAccount(tx, input.userId);
    const existing = await tx.creditHold.findUnique({
      where: { refType_refId: { refType: input.refType, refId: input.refId } },
    });
    if (existing) return existing;
    assertSpendable(account, input.amount);
    await tx.$executeRaw`UPDATE "User" SET "heldCredits" = "heldCredits" + ${input.amount}, "updatedAt" = now() WHERE id = ${input.userId}`;
    const hold = await tx.creditHold.create({
      data: {
        id: randomUUID(),
        userId: input.userId,
        amount: input.amount,
        refType: input.refType,
        refId: input.refId,
        expiresAt: new Date(Date.now() + input.ttlSeconds * 1000),
      },
    });
    onCommit(tx, () =>
      logEvent("hold_reserved", {
        userId: input.userId,
        holdId: hold.id,
        amount: input.amount,
        ref: `${input.refType}:${input.refId}`,
      }),
    );
    return hold;
  });
}

/** Marks an active hold closed; returns null when it was not active (already settled/released). */
async function closeHold(
  tx: Tx,
  holdId: string,
  status: "settled" | "released",
  settledAmount: number | null,
): Promise<CreditHold | null> {
  const rows = await tx.$queryRaw<CreditHold[]>`
    UPDATE "CreditHold"
       SET status = ${status}::"HoldStatus", "settledAmount" = ${settledAmount === null ? null : settledAmount}::int
           , "closedAt" = now()
     WHERE id = ${holdId} AND status = 'active'::"HoldStatus"
     RETURNING *`;
  return rows[0] ?? null;
}

export interface SettleInput extends LedgerRef {
  holdId: string;
  /** The actual cost; charged up to the hold's amount. */
  cost: number;
  note?: string | null;
}

export interface SettleResult {
  charged: number;
  entry: CreditLedger | null;
}

/**
 * Charges the actual cost (≤ the hold) as one chat_usage ledger row under `ref`, and frees
 * the hold. Settling an already-settled hold returns what was charged the first time.
 */
export async function settle(db: DbOrTx, input: SettleInput): Promise<SettleResult> {
  assertCreditAmount(input.cost, { allowZero: true });
  return inTransaction(db, async (tx) => {
    const current = await tx.creditHold.findUnique({ where: { id: input.holdId } });
    if (!current) throw new HoldNotActiveError(input.holdId, "missing");
    const charged = Math.min(input.cost, current.amount);
    const hold = await closeHold(tx, input.holdId, "settled", charged);
    if (!hold) {
      if (current.status === "settled") {
        const entry = await tx.creditLedger.findUnique({
          where: { refType_refId: { refType: input.refType, refId: input.refId } },
        });
        return { charged: current.settledAmount ?? 0, entry };
      }
      throw new HoldNotActiveError(input.holdId, current.status);
    }
    const account = await lockAccount(tx, hold.userId);
    await tx.$executeRaw`UPDATE "User" SET "heldCredits" = "heldCredits" - ${hold.amount}, "updatedAt" = now() WHERE id = ${hold.userId}`;
    account.heldCredits -= hold.amount;
    if (charged === 0) return { charged, entry: null };
    const { entry } = await appendEntry(tx, account, {
      userId: hold.userId,
      amount: -charged,
      reason: "chat_usage",
      refType: input.refType,
      refId: input.refId,
      note: input.note ?? null,
    });
    return { charged, entry };
  });
}

/** Frees the whole hold. Returns false when it was no longer active. */
export async function release(db: DbOrTx, holdId: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const hold = await closeHold(tx, holdId, "released", null);
    if (!hold) return false;
    await lockAccount(tx, hold.userId);
    await tx.$executeRaw`UPDATE "User" SET "heldCredits" = "heldCredits" - ${hold.amount}, "updatedAt" = now() WHERE id = ${hold.userId}`;
    onCommit(tx, () => logEvent("hold_released", { userId: hold.userId, holdId, amount: hold.amount }));
    return true;
  });
}
