import { afterAll, beforeAll, expect, it } from "vitest";

import {
  adjust,
  clawback,
  getBalance,
  grant,
  InsufficientCreditsError,
  InvalidAmountError,
  LedgerRefConflictError,
  spend,
} from "~/server/credits";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser, ledgerSum } from "../helpers/users";

describeEachDb("credit ledger", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  it("grant adds credits and records balanceAfter", async () => {
    const u = await createUser(t.db);
    const { entry, created } = await grant(t.db, {
      userId: u.id,
      amount: 500,
      reason: "adjustment",
      refType: "operator",
      refId: `g-${u.id}`,
    });
    expect(created).toBe(true);
    expect(entry.amount).toBe(500);
    expect(entry.balanceAfter).toBe(500);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 500, held: 0, spendable: 500 });
  });

  it("200 concurrent spend(100) on 10,000 → exactly 100 succeed, balance 0, never negative", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 10_000, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        spend(t.db, { userId: u.id, amount: 100, refType: "chat_message", refId: `${u.id}-${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(100);
    expect(failed).toHaveLength(100);
    for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCreditsError);
    expect((await getBalance(t.db, u.id)).balance).toBe(0);
    expect(await ledgerSum(t.db, u.id)).toBe(0);
    const rows = await t.db.creditLedger.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(101);
    expect(rows.every((r) => r.balanceAfter >= 0)).toBe(true);
  });

  it("50 concurrent grants with the same ref → one row, credited once", async () => {
    const u = await createUser(t.db);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        grant(t.db, {
          userId: u.id,
          amount: 700,
          reason: "purchase",
          refType: "stripe_checkout_session",
          refId: `cs_${u.id}`,
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(1);
    expect((await getBalance(t.db, u.id)).balance).toBe(700);
  });

  it("spend is idempotent by ref: a retried spend charges once", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 300, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    const first = await spend(t.db, { userId: u.id, amount: 200, refType: "chat_message", refId: `m-${u.id}` });
    const again = await spend(t.db, { userId: u.id, amount: 200, refType: "chat_message", refId: `m-${u.id}` });
    expect(again.created).toBe(false);
    expect(again.entry.id).toBe(first.entry.id);
    expect((await getBalance(t.db, u.id)).balance).toBe(100);
  });

  it("a ref used by another account is a conflict, never merged", async () => {
    const a = await createUser(t.db);
    const b = await createUser(t.db);
    await grant(t.db, { userId: a.id, amount: 10, reason: "purchase", refType: "operator", refId: `r-${a.id}` });
    await expect(
      grant(t.db, { userId: b.id, amount: 10, reason: "purchase", refType: "operator", refId: `r-${a.id}` }),
    ).rejects.toBeInstanceOf(LedgerRefConflictError);
    expect((await getBalance(t.db, b.id)).balance).toBe(0);
  });

  it("clawback may go negative; spending is then refused", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 100, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    await spend(t.db, { userId: u.id, amount: 80, refType: "chat_message", refId: `m1-${u.id}` });
    await clawback(t.db, {
      userId: u.id,
      amount: 100,
      reason: "refund",
      refType: "stripe_refund",
      refId: `re-${u.id}`,
    });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: -80, held: 0, spendable: 0 });
    await expect(
      spend(t.db, { userId: u.id, amount: 1, refType: "chat_message", refId: `m2-${u.id}` }),
    ).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await ledgerSum(t.db, u.id)).toBe(-80);
  });

  it.each([0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 3_000_000_000])(
    "rejects amount %s and writes nothing",
    async (amount) => {
      const u = await createUser(t.db);
      await expect(
        grant(t.db, { userId: u.id, amount, reason: "purchase", refType: "chat_message", refId: `b-${u.id}` }),
      ).rejects.toBeInstanceOf(InvalidAmountError);
      await expect(
        spend(t.db, { userId: u.id, amount, refType: "chat_message", refId: `s-${u.id}` }),
      ).rejects.toBeInstanceOf(InvalidAmountError);
      expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(0);
    },
  );

  it("adjust writes a signed operator row with its note", async () => {
    const u = await createUser(t.db);
    await adjust(t.db, { userId: u.id, amount: 250, refType: "operator", refId: `a1-${u.id}`, note: "goodwill" });
    const { entry } = await adjust(t.db, {
      userId: u.id,
      amount: -50,
      refType: "operator",
      refId: `a2-${u.id}`,
      note: "correction",
    });
    expect(entry).toMatchObject({ amount: -50, balanceAfter: 200, reason: "adjustment", note: "correction" });
  });

  it("a failed transaction leaves no row and no balance change", async () => {
    const u = await createUser(t.db);
    await expect(
      t.db.$transaction(async (tx) => {
        await grant(tx, { userId: u.id, amount: 999, reason: "purchase", refType: "operator", refId: `tx-${u.id}` });
        throw new Error("boom after grant");
      }),
    ).rejects.toThrow("boom after grant");
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 0, held: 0, spendable: 0 });
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(0);
  });
});
