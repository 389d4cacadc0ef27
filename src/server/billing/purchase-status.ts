/**
 * The one owner of a Purchase's status and the only code that writes it (tests/billing/
 * purchase-writes.test.ts fails on any other writer). Every status a purchase can move to is
 * listed with the statuses it may come from; an out-of-order or forged event can therefore
 * never move a purchase backwards (a refunded or disputed purchase never becomes "paid" again,
 * a lost dispute is final). A refused move keeps the status and logs the refusal.
 *
 *   pending → paid | failed | expired | canceled   (canceled: the buyer left Checkout and the app expired the session;
 *                                                   expired → canceled when that expiry's own event came first)
 *   pending → requires_action → paid | failed       (an auto top-up whose bank asked the payer to authenticate)
 *   paid → partially_refunded | refunded | disputed → dispute_won | dispute_lost
 */
import { Prisma, type Purchase, type PurchaseStatus } from "~/generated/prisma/client";
import type { Alongside } from "~/server/credits";
import { driverRows } from "~/server/database/driver-rows";
import type { DbOrTx, Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

const ALLOWED_FROM: Record<PurchaseStatus, readonly PurchaseStatus[]> = {
  pending: [],
  // Stripe's own record says paid: a late async success wins over an earlier failed/expired mark.
  paid: ["pending", "failed", "expired", "requires_action"],
  failed: ["pending", "requires_action"],
  // An auto top-up's off-session charge asked for authentication (SCA).
  requires_action: ["pending"],
  expired: ["pending"],
  // Only a session the app itself expired at Stripe (the buyer's cancel); Stripe never completes it after that.
  // From expired too: that expiry's own checkout.session.expired event may reach the webhook first.
  canceled: ["pending", "expired"],
  partially_refunded: ["paid", "partially_refunded", "dispute_won"],
  refunded: ["paid", "partially_refunded", "dispute_won"],
  // A dispute on a (partly) refunded charge is still a dispute.
  disputed: ["paid", "partially_refunded", "refunded"],
  // A dispute may be seen for the first time already closed (its created event late or lost).
  dispute_won: ["disputed", "paid", "partially_refunded", "refunded"],
  dispute_lost: ["disputed", "paid", "partially_refunded", "refunded"],
};

/** Whether `from → to` is a legal move (staying put is always legal). */
export function canMovePurchase(from: PurchaseStatus, to: PurchaseStatus): boolean {
  return from === to || ALLOWED_FROM[to].includes(from);
}

/** The statuses a purchase must be in to move to `to` (for conditional updates). */
export function statusesMovingTo(to: PurchaseStatus): PurchaseStatus[] {
  return [...ALLOWED_FROM[to]];
}

/** `to` when legal, otherwise `from` unchanged and the refusal logged. */
export function nextPurchaseStatus(purchaseId: string, from: PurchaseStatus, to: PurchaseStatus): PurchaseStatus {
  if (canMovePurchase(from, to)) return to;
  logEvent("purchase_transition_refused", { purchaseId, from, to }, "warn");
  return from;
}

/** Fields other than status that billing records on a purchase alongside a move. */
export type PurchaseFacts = Omit<
  Prisma.PurchaseUpdateInput,
  "status" | "id" | "user" | "userId" | "packId" | "credits" | "amountTotal" | "currency"
>;

/**
 * Writes `facts` and moves `current` (read under the owner's account lock) to `to` when legal;
 * an illegal move writes the facts only. Returns the purchase as written.
 */
export async function movePurchase(
  tx: Tx,
  current: Purchase,
  to: PurchaseStatus,
  facts: PurchaseFacts = {},
): Promise<Purchase> {
  const status = nextPurchaseStatus(current.id, current.status, to);
  return tx.purchase.update({
    where: { id: current.id },
    data: { ...facts, ...(status === current.status ? {} : { status }) },
  });
}

/** The fields a move's status and facts may be computed from (the rest never changes, or is not written by a move). */
const MOVE_INPUTS = [
  "status",
  "paymentIntentId",
  "creditedAt",
  "receiptUrl",
  "invoiceId",
  "hostedInvoiceUrl",
  "invoicePdfUrl",
  "receiptLinksAt",
] as const satisfies readonly (keyof Purchase)[];

/**
 * movePurchase for a row read before the owner's account lock was taken, without reading it again:
 * one conditional write that happens only if every field the move and `facts` were computed from
 * still holds what `seen` shows, i.e. exactly when movePurchase on a fresh read would write the same.
 * Null when the row changed (or the move would be refused): re-read it under the lock and movePurchase.
 */
export async function movePurchaseIfUnchanged(
  tx: Tx,
  seen: Purchase,
  to: PurchaseStatus,
  facts: PurchaseFacts = {},
): Promise<Purchase | null> {
  if (!canMovePurchase(seen.status, to)) return null; // the refusal is logged by movePurchase
  const unchanged = Object.fromEntries(MOVE_INPUTS.map((field) => [field, seen[field]]));
  const [written] = await tx.purchase.updateManyAndReturn({
    where: { id: seen.id, ...unchanged },
    data: { ...facts, ...(to === seen.status ? {} : { status: to }) },
  });
  return written ?? null;
}

/**
 * The columns a move writes or is computed from, with their SQL types: a value sent to the driver
 * arrives untyped, one sent through Prisma as text, so each is cast to its column's type.
 */
const MOVE_COLUMNS = {
  status: Prisma.raw(`"PurchaseStatus"`),
  paymentIntentId: Prisma.raw("text"),
  creditedAt: Prisma.raw("timestamp(3)"),
  receiptUrl: Prisma.raw("text"),
  invoiceId: Prisma.raw("text"),
  hostedInvoiceUrl: Prisma.raw("text"),
  invoicePdfUrl: Prisma.raw("text"),
  receiptLinksAt: Prisma.raw("timestamp(3)"),
  failureCode: Prisma.raw("text"),
  failureMessage: Prisma.raw("text"),
  updatedAt: Prisma.raw("timestamp(3)"),
} as const satisfies Partial<Record<keyof Purchase, Prisma.Sql>>;

type MoveColumn = keyof typeof MOVE_COLUMNS;

function isMoveColumn(field: string): field is MoveColumn {
  return Object.hasOwn(MOVE_COLUMNS, field);
}

function columnValue(column: MoveColumn, value: unknown): Prisma.Sql {
  return Prisma.sql`${value}::${MOVE_COLUMNS[column]}`;
}

/** A purchase as stored, read straight from the driver without a lock (its sale never changes; moves compare against it). */
export async function findPurchase(db: DbOrTx, purchaseId: string): Promise<Purchase | null> {
  const [row] = await driverRows<Purchase>(db, Prisma.sql`SELECT * FROM "Purchase" WHERE id = ${purchaseId}`);
  return row ?? null;
}

/**
 * movePurchaseIfUnchanged as the statement that goes with another write (the ledger write of the
 * purchase's credits, see grantAlongside): the same conditional update, done only if `proceed` holds,
 * and the purchase as it then is. Null when the move would be refused, or `facts` holds anything but
 * plain values for the columns above: the caller moves it with movePurchase in a transaction.
 */
export function moveAlongside(
  seen: Purchase,
  to: PurchaseStatus,
  facts: PurchaseFacts = {},
): { alongside: Alongside; moved: Purchase } | null {
  if (!canMovePurchase(seen.status, to)) return null;
  const written: Record<string, unknown> = {
    ...facts,
    ...(to === seen.status ? {} : { status: to }),
    updatedAt: new Date(), // what Prisma's @updatedAt would write
  };
  const entries = Object.entries(written);
  const plain = (v: unknown) => v === null || typeof v === "string" || v instanceof Date;
  if (!entries.every(([field, value]) => isMoveColumn(field) && plain(value))) return null;
  const column = (field: string) => Prisma.raw(`"${field}"`);
  const assignments = Prisma.join(
    entries.map(([field, value]) => Prisma.sql`${column(field)} = ${columnValue(field as MoveColumn, value)}`),
  );
  const unchanged = Prisma.join(
    MOVE_INPUTS.map((field) => Prisma.sql`${column(field)} IS NOT DISTINCT FROM ${columnValue(field, seen[field])}`),
    " AND ",
  );
  return {
    alongside: (proceed) =>
      Prisma.sql`UPDATE "Purchase" SET ${assignments} WHERE id = ${seen.id} AND ${unchanged} AND ${proceed} RETURNING 1`,
    moved: { ...seen, ...written } as Purchase,
  };
}

/**
 * Marks a still-pending purchase failed, expired or canceled in one conditional write (no lock needed:
 * only a row the machine lets move matches, and Stripe's "paid" still wins later). Canceled is also
 * marked over expired: only cancelCheckout marks it, right after its own expire call succeeded, so an
 * expired mark then is that call's event arriving first. False when nothing moved.
 */
export async function markPendingPurchase(
  db: Db,
  purchaseId: string,
  to: "failed" | "expired" | "canceled",
): Promise<boolean> {
  const { count } = await db.purchase.updateMany({
    where: { id: purchaseId, status: { in: statusesMovingTo(to) } },
    data: { status: to },
  });
  return count > 0;
}
