import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PurchaseStatus } from "~/generated/prisma/enums";
import { canMovePurchase, statusesMovingTo } from "~/server/billing";
import { markPendingPurchase, movePurchase } from "~/server/billing/purchase-status";
import { inTransaction } from "~/server/database/transaction";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { soldSession } from "./stripe-fixtures";

/** The whole machine, written out once more by hand: every move not listed here must be refused. */
const LEGAL: Record<PurchaseStatus, PurchaseStatus[]> = {
  pending: ["paid", "failed", "expired", "canceled", "requires_action"],
  // An auto top-up the bank asked the payer to authenticate: they do, or it fails.
  requires_action: ["paid", "failed"],
  // Stripe's own record says paid: a late async success wins over an earlier failed/expired mark.
  failed: ["paid"],
  // Or canceled: the app expired the buyer's session itself, and that expiry's event arrived first.
  expired: ["paid", "canceled"],
  paid: ["partially_refunded", "refunded", "disputed", "dispute_won", "dispute_lost"],
  partially_refunded: ["refunded", "disputed", "dispute_won", "dispute_lost"],
  refunded: ["disputed", "dispute_won", "dispute_lost"],
  disputed: ["dispute_won", "dispute_lost"],
  // A won dispute can still be refunded afterwards.
  dispute_won: ["partially_refunded", "refunded"],
  dispute_lost: [],
  // The app expired the buyer's canceled session at Stripe: nothing can complete it later.
  canceled: [],
};

const ALL = Object.values(PurchaseStatus);
const PAIRS = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

describe("purchase status transitions", () => {
  it("covers every status", () => {
    expect(Object.keys(LEGAL).sort()).toEqual([...ALL].sort());
  });

  it.each(PAIRS)("%s → %s", (from, to) => {
    const legal = from === to || LEGAL[from].includes(to);
    expect(canMovePurchase(from, to)).toBe(legal);
    // Conditional writes (updateMany … where status in statusesMovingTo) agree with the check.
    if (from !== to) expect(statusesMovingTo(to).includes(from)).toBe(legal);
  });

  it("only a pending purchase (or a top-up awaiting authentication) can be marked failed or expired", () => {
    expect(statusesMovingTo("failed")).toEqual(["pending", "requires_action"]);
    expect(statusesMovingTo("expired")).toEqual(["pending"]);
    expect(statusesMovingTo("canceled")).toEqual(["pending", "expired"]);
  });
});

describeEachDb("the purchase status writer", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  async function pendingPurchase() {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter");
    return t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
  }
  const move = (current: Awaited<ReturnType<typeof pendingPurchase>>, to: PurchaseStatus, facts = {}) =>
    inTransaction(t.db, (tx) => movePurchase(tx, current, to, facts));

  it("an illegal move keeps the status but still records the facts", async () => {
    const pending = await pendingPurchase();
    const written = await move(pending, "refunded", { amountRefunded: 100 });
    expect(written).toMatchObject({ status: "pending", amountRefunded: 100 });
  });

  it("a legal move writes the status; a final one refuses to go back", async () => {
    const paid = await move(await pendingPurchase(), "paid");
    expect(paid.status).toBe("paid");
    const lost = await move(await move(paid, "disputed"), "dispute_lost");
    expect(lost.status).toBe("dispute_lost");
    expect((await move(lost, "paid")).status).toBe("dispute_lost");
    expect((await move(lost, "dispute_won")).status).toBe("dispute_lost");
  });

  it("marks only a pending purchase failed or expired", async () => {
    const pending = await pendingPurchase();
    expect(await markPendingPurchase(t.db, pending.id, "expired")).toBe(true);
    expect(await markPendingPurchase(t.db, pending.id, "failed")).toBe(false);
    const paid = await move(await pendingPurchase(), "paid");
    expect(await markPendingPurchase(t.db, paid.id, "expired")).toBe(false);
    const rows = await t.db.purchase.findMany({
      where: { id: { in: [pending.id, paid.id] } },
      orderBy: { status: "asc" },
    });
    expect(rows.map((r) => [r.id, r.status])).toEqual(
      expect.arrayContaining([
        [pending.id, "expired"],
        [paid.id, "paid"],
      ]),
    );
  });
});
