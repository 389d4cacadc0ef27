import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { CHECKOUT_REF_TYPE, fulfilCheckoutSession } from "~/server/billing";
import { findPurchase } from "~/server/billing/purchase-status";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { loggedDb } from "../helpers/statement-log";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { checkoutSession, deliver, recordCheckout, soldSession, stripeBook, stripeEvent } from "./stripe-fixtures";

/** Stripe's session as it reads once its charge has a receipt (recorded in the fake Stripe). */
function withReceiptLink(session: ReturnType<typeof checkoutSession>) {
  const receiptUrl = `https://pay.stripe.com/receipts/${session.id}`;
  const withReceipt = stripeBook.record({
    ...session,
    payment_intent: {
      id: session.payment_intent,
      object: "payment_intent",
      latest_charge: { id: `ch_${session.id}`, object: "charge", receipt_url: receiptUrl },
    },
  } as unknown as typeof session);
  return { receiptUrl, withReceipt };
}

describeEachDb("checkout fulfilment: exactly once", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  const balance = async (userId: string) => (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const purchaseRows = (sessionId: string) =>
    t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: sessionId } });

  it("50 concurrent deliveries of the same checkout.session.completed → one ledger row, credited once", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "pro");
    const event = stripeEvent("checkout.session.completed", session);
    const results = await Promise.all(Array.from({ length: 50 }, () => deliver(t.db, event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.outcome === "credited")).toHaveLength(1);
    expect(await purchaseRows(session.id)).toBe(1);
    expect(await balance(u.id)).toBe(200_000);
    const purchase = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    expect(purchase).toMatchObject({
      userId: u.id,
      status: "paid",
      packId: "pro",
      credits: 200_000,
      paymentIntentId: session.payment_intent,
    });
    expect(purchase.creditedAt).toBeInstanceOf(Date);
    expect(await t.db.stripeEvent.findUnique({ where: { id: event.id } })).toMatchObject({ outcome: "credited" });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("the same session in different events (completed + async_payment_succeeded, any order) → once", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    expect((await deliver(t.db, stripeEvent("checkout.session.async_payment_succeeded", session))).body.outcome).toBe(
      "credited",
    );
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe(
      "already_credited",
    );
    expect(await purchaseRows(session.id)).toBe(1);
    expect(await balance(u.id)).toBe(50_000);
  });

  it("unpaid completed → pending, no credits, until async_payment_succeeded", async () => {
    const u = await createUser(t.db);
    const unpaid = await soldSession(t.db, u.id, "starter", { payment_status: "unpaid" });
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", unpaid))).body.outcome).toBe("not_paid");
    expect(await balance(u.id)).toBe(0);
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: unpaid.id } })).status).toBe("pending");

    const paid = stripeBook.record({ ...unpaid, payment_status: "paid" as const });
    expect((await deliver(t.db, stripeEvent("checkout.session.async_payment_succeeded", paid))).body.outcome).toBe(
      "credited",
    );
    expect(await balance(u.id)).toBe(50_000);
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: unpaid.id } })).status).toBe("paid");
  });

  it("async_payment_failed → purchase failed, no credits; expired → expired", async () => {
    const u = await createUser(t.db);
    const failed = await soldSession(t.db, u.id, "starter", { payment_status: "unpaid" });
    const expired = await soldSession(t.db, u.id, "pro", { payment_status: "unpaid", status: "expired" });
    expect((await deliver(t.db, stripeEvent("checkout.session.async_payment_failed", failed))).body.outcome).toBe(
      "failed",
    );
    expect((await deliver(t.db, stripeEvent("checkout.session.expired", expired))).body.outcome).toBe("expired");
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("failed");
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("expired");
    expect(await balance(u.id)).toBe(0);
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(0);
  });

  it("a duplicate delivery of a processed event id short-circuits", async () => {
    const u = await createUser(t.db);
    const event = stripeEvent("checkout.session.completed", await soldSession(t.db, u.id));
    await deliver(t.db, event);
    const before = await snapshot(t.db);
    expect((await deliver(t.db, event)).body.outcome).toBe("credited"); // the recorded outcome, not a second credit
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("another event for a credited purchase with nothing left to fill in opens no transaction", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe("credited");
    const before = await snapshot(t.db);
    const transactions = vi.spyOn(t.db, "$transaction");
    try {
      const again = await deliver(t.db, stripeEvent("checkout.session.async_payment_succeeded", session));
      expect(again.body.outcome).toBe("already_credited");
      // No account lock, no ledger lookup: the repeat costs the purchase read only.
      expect(transactions).not.toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
    const after = await snapshot(t.db);
    expect(after.ledger).toEqual(before.ledger);
    expect(after.balances).toEqual(before.balances);
    expect(await purchaseRows(session.id)).toBe(1);
  });

  it("a new credit is one round trip: the ledger write and the purchase move in one statement", async () => {
    const logged = await loggedDb(t);
    try {
      const u = await createUser(t.db);
      const session = await soldSession(t.db, u.id);
      // Read as the webhook reads it (straight from the driver): the one statement compares against these values.
      const recorded = await findPurchase(t.db, session.id);
      expect(recorded).toEqual(await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } }));
      logged.statements.length = 0;
      const result = await fulfilCheckoutSession(logged.db, session, undefined, recorded);
      expect(result.kind).toBe("credited");
      expect(logged.statements).toHaveLength(1);
      expect(logged.statements[0]).toMatch(
        /INSERT INTO "CreditLedger"[\s\S]*UPDATE "Purchase"|UPDATE "Purchase"[\s\S]*INSERT INTO "CreditLedger"/,
      );
      expect(await balance(u.id)).toBe(50_000);
      const stored = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
      // What fulfilment returns is the row as stored.
      expect(result.kind === "credited" && result.purchase).toEqual(stored);
      expect(await findPurchase(t.db, session.id)).toEqual(stored);
      expect(stored).toMatchObject({ status: "paid", paymentIntentId: session.payment_intent });
      expect(stored.creditedAt).toBeInstanceOf(Date);
      expect(await purchaseRows(session.id)).toBe(1);
    } finally {
      await logged.close();
    }
  });

  it("a new checkout event is three round trips: event id with purchase, the credit, the event's record; a redelivery one", async () => {
    const logged = await loggedDb(t);
    try {
      const u = await createUser(t.db);
      const session = await soldSession(t.db, u.id);
      const event = stripeEvent("checkout.session.completed", session);
      logged.statements.length = 0;
      expect((await deliver(logged.db, event)).body.outcome).toBe("credited");
      expect(logged.statements).toHaveLength(3);
      expect(logged.statements[0]).toMatch(/FROM "StripeEvent"[\s\S]*"Purchase"/);
      expect(logged.statements[1]).toMatch(/INSERT INTO "CreditLedger"/);
      expect(logged.statements[2]).toMatch(/INSERT INTO "StripeEvent"/);
      // The record's loss in a crash only means a redelivery is processed again: no WAL flush waited for.
      expect(logged.statements[2]).toMatch(/set_config\('synchronous_commit', 'off', true\)/);
      expect(logged.statements[1]).not.toMatch(/synchronous_commit/);
      expect(await balance(u.id)).toBe(50_000);

      logged.statements.length = 0;
      expect((await deliver(logged.db, event)).body.outcome).toBe("credited");
      expect(logged.statements).toHaveLength(1);

      // A second event for the credited session: the same first read, nothing written but its record.
      logged.statements.length = 0;
      const again = await deliver(logged.db, stripeEvent("checkout.session.async_payment_succeeded", session));
      expect(again.body.outcome).toBe("already_credited");
      expect(logged.statements).toHaveLength(2);
      expect(logged.statements[1]).toMatch(/INSERT INTO "StripeEvent"/);
      expect(await balance(u.id)).toBe(50_000);
      expect(await purchaseRows(session.id)).toBe(1);
    } finally {
      await logged.close();
    }
  });

  it("another event for a purchase credited for good (receipt links final) is answered without asking Stripe", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const retrieve = vi.spyOn(stripeBook.client.checkout.sessions, "retrieve");
    try {
      expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe("credited");
      expect(retrieve).toHaveBeenCalledTimes(1);
      // Links not final yet: a second event still reads the session back (it may bring them).
      expect((await deliver(t.db, stripeEvent("checkout.session.async_payment_succeeded", session))).body.outcome).toBe(
        "already_credited",
      );
      expect(retrieve).toHaveBeenCalledTimes(2);

      // As the receipt-link backfill leaves it once it has the links (or stops waiting for them).
      await t.db.purchase.update({ where: { id: session.id }, data: { receiptLinksAt: new Date() } });
      const before = await snapshot(t.db);
      // Even an event Stripe never sent for it: nothing is read, nothing moves.
      stripeBook.forget(session.id);
      const third = await deliver(t.db, stripeEvent("checkout.session.completed", session));
      expect(third.body.outcome).toBe("already_credited");
      expect(retrieve).toHaveBeenCalledTimes(2);
      const after = await snapshot(t.db);
      expect(after.ledger).toEqual(before.ledger);
      expect(after.balances).toEqual(before.balances);
      expect(await balance(u.id)).toBe(50_000);
    } finally {
      retrieve.mockRestore();
    }
  });

  it("the one statement writes nothing when the purchase moved since it was read: the transaction path decides", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const stale = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    await t.db.purchase.update({ where: { id: session.id }, data: { paymentIntentId: "pi_set_by_someone_else" } });
    const logged = await loggedDb(t);
    try {
      const result = await fulfilCheckoutSession(logged.db, session, undefined, stale);
      expect(result.kind).toBe("credited");
      // The one statement (nothing written), a read (not credited yet), then BEGIN, ledger write, the conditional
      // move (no row), re-read, move, COMMIT.
      expect(logged.statements[0]).toMatch(/UPDATE "Purchase"/);
      expect(logged.statements[1]).toMatch(/^SELECT \* FROM "Purchase"/);
      expect(logged.statements[2]).toBe("BEGIN");
      expect(logged.statements.at(-1)).toBe("COMMIT");
    } finally {
      await logged.close();
    }
    const stored = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    expect(stored).toMatchObject({ status: "paid", paymentIntentId: "pi_set_by_someone_else" });
    expect(await balance(u.id)).toBe(50_000);
    expect(await t.db.creditLedger.count({ where: { refId: session.id } })).toBe(1);
  });

  it("a purchase a twin credited after it was read: one more read finds nothing left to write, no transaction", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const stale = await findPurchase(t.db, session.id);
    expect((await fulfilCheckoutSession(t.db, session, undefined, stale)).kind).toBe("credited");
    const before = await snapshot(t.db);
    const logged = await loggedDb(t);
    try {
      const twin = await fulfilCheckoutSession(logged.db, session, undefined, stale);
      expect(twin.kind).toBe("already_credited");
      expect(logged.statements).toHaveLength(2);
      expect(logged.statements[0]).toMatch(/UPDATE "Purchase"/);
      expect(logged.statements[1]).toMatch(/^SELECT \* FROM "Purchase"/);
      expect(twin.kind === "already_credited" && twin.purchase).toEqual(
        await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } }),
      );
    } finally {
      await logged.close();
    }
    const after = await snapshot(t.db);
    expect(after.ledger).toEqual(before.ledger);
    expect(after.balances).toEqual(before.balances);
    expect(await purchaseRows(session.id)).toBe(1);
  });

  it("a twin that would still record something (a receipt link it brings) goes through the transaction", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const stale = await findPurchase(t.db, session.id);
    expect((await fulfilCheckoutSession(t.db, session, undefined, stale)).kind).toBe("credited");
    const { receiptUrl, withReceipt } = withReceiptLink(session);
    const logged = await loggedDb(t);
    try {
      const twin = await fulfilCheckoutSession(logged.db, withReceipt, undefined, stale);
      expect(twin.kind).toBe("already_credited");
      expect(logged.statements).toContain("BEGIN");
    } finally {
      await logged.close();
    }
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).receiptUrl).toBe(receiptUrl);
    expect(await purchaseRows(session.id)).toBe(1);
  });

  it("a purchase that changed after it was read is read again under the lock (a late paid wins over expired)", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const stale = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    await t.db.purchase.update({ where: { id: session.id }, data: { status: "expired" } });
    const result = await fulfilCheckoutSession(t.db, session, undefined, stale);
    expect(result.kind).toBe("credited");
    const purchase = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    expect(purchase.status).toBe("paid");
    expect(purchase.creditedAt).toBeInstanceOf(Date);
    expect(await balance(u.id)).toBe(50_000);
  });

  it("a refund recorded after the read keeps the purchase refunded when the credit lands", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    const stale = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    await t.db.purchase.update({ where: { id: session.id }, data: { status: "refunded" } });
    const result = await fulfilCheckoutSession(t.db, session, undefined, stale);
    expect(result.kind).toBe("credited");
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).status).toBe("refunded");
  });

  it("a repeat for a credited purchase whose receipt link is new still writes it (under the lock)", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id);
    await deliver(t.db, stripeEvent("checkout.session.completed", session));
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).receiptUrl).toBeNull();
    const { receiptUrl, withReceipt } = withReceiptLink(session);
    const again = await deliver(t.db, stripeEvent("checkout.session.async_payment_succeeded", withReceipt));
    expect(again.body.outcome).toBe("already_credited");
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).receiptUrl).toBe(receiptUrl);
    expect(await purchaseRows(session.id)).toBe(1);
  });
});

describeEachDb("checkout fulfilment: abuse is refused", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it.each([
    ["amount below the pack price", { amount_total: 1 }, "refused:amount_mismatch"],
    ["another currency", { currency: "eur" }, "refused:amount_mismatch"],
    ["credits metadata inflated", { metadataPatch: { credits: "1000000" } }, "refused:credits_mismatch"],
    ["unknown pack", { metadataPatch: { packId: "mega" } }, "refused:unknown_pack"],
    ["client_reference_id ≠ metadata.userId", { client_reference_id: "someone-else" }, "refused:user_mismatch"],
    ["subscription mode", { mode: "subscription" }, "refused:not_payment_mode"],
    [
      "another price than the pack's",
      { line_items: { object: "list", has_more: false, data: [{ quantity: 1, price: { id: "price_pro" } }] } },
      "refused:price_mismatch",
    ],
    [
      "two of the pack's price",
      { line_items: { object: "list", has_more: false, data: [{ quantity: 2, price: { id: "price_starter" } }] } },
      "refused:price_mismatch",
    ],
    ["no line items in Stripe's answer", { line_items: undefined }, "refused:line_items_missing"],
  ] as const)(
    "Stripe's session with %s → no credits, purchase stays pending, outcome recorded",
    async (_label, patch, expected) => {
      const u = await createUser(t.db);
      const base = await soldSession(t.db, u.id);
      const { metadataPatch, ...fields } = patch as { metadataPatch?: Record<string, string> } & Record<
        string,
        unknown
      >;
      const session = stripeBook.record({ ...base, ...fields, metadata: { ...base.metadata, ...metadataPatch } });
      const event = stripeEvent("checkout.session.completed", session);
      const res = await deliver(t.db, event);
      expect(res).toEqual({ status: 200, body: { received: true, outcome: expected } });
      expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(0);
      expect(await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
        status: "pending",
        creditedAt: null,
      });
      expect(await t.db.stripeEvent.findUnique({ where: { id: event.id } })).toMatchObject({ outcome: expected });
    },
  );

  it("a paid session billing.checkout never opened (no pending purchase) → refused, nothing credited", async () => {
    const u = await createUser(t.db);
    const session = checkoutSession(u.id, "enterprise");
    const before = await snapshot(t.db);
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe(
      "refused:no_pending_purchase",
    );
    expect({ ...(await snapshot(t.db)), events: before.events }).toEqual(before);
  });

  it.each([
    ["another pack than the pending purchase", "pro", "refused:purchase_pack_mismatch"],
    ["the pending purchase's amount differs", "amount", "refused:purchase_amount_mismatch"],
  ] as const)("Stripe's session vs the pending purchase: %s → refused", async (_label, what, expected) => {
    const u = await createUser(t.db);
    const session = checkoutSession(u.id, "starter");
    if (what === "pro") await recordCheckout(t.db, session, "pro");
    else {
      await recordCheckout(t.db, session);
      await t.db.purchase.update({ where: { id: session.id }, data: { amountTotal: 499 } });
    }
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe(expected);
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(0);
  });

  it("a session whose Stripe record names another user than its pending purchase → refused, the owner keeps the purchase", async () => {
    const owner = await createUser(t.db);
    const thief = await createUser(t.db);
    const original = await soldSession(t.db, owner.id);
    await fulfilCheckoutSession(t.db, original);
    const reused = stripeBook.record(checkoutSession(thief.id, "starter", { id: original.id }));
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", reused))).body.outcome).toBe(
      "refused:session_user_mismatch",
    );
    expect((await t.db.user.findUniqueOrThrow({ where: { id: thief.id } })).balance).toBe(0);
    expect((await t.db.purchase.findUniqueOrThrow({ where: { id: original.id } })).userId).toBe(owner.id);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
