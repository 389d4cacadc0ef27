import { afterAll, beforeAll, expect, it } from "vitest";

import { getBalance, grant, InsufficientCreditsError, release, reserve, settle, spend } from "~/server/credits";

import { countingDb, type CountingDb } from "../helpers/counting-db";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

// A reply reserves and settles credits on the hot path: each round trip the account lock is held
// for (or the reply waits on) costs every reply of that user. These pin how few there are.
describeEachDb("hold round trips", (kind) => {
  let t: TestDb;
  let c: CountingDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
    c = countingDb(t);
  });
  afterAll(async () => {
    await c.close();
    await t.close();
  });

  async function funded(amount: number) {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    return u;
  }

  async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const from = c.statements.length;
    const result = await fn();
    return { result, statements: c.statements.slice(from) };
  }

  it("reserve is one statement; a repeat of its ref returns the first hold and holds nothing more", async () => {
    const u = await funded(1000);
    const input = { userId: u.id, amount: 300, refType: "chat_message" as const, refId: `r-${u.id}`, ttlSeconds: 60 };
    const first = await counted(() => reserve(c.db, input));
    expect(first.statements).toHaveLength(1);
    const again = await counted(() => reserve(c.db, input));
    expect(again.result.id).toBe(first.result.id);
    expect(again.statements).toHaveLength(2);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 300, spendable: 700 });
  });

  it("a standalone reserve commits without waiting for the WAL flush; inside a caller's transaction it leaves that commit alone", async () => {
    const u = await funded(1000);
    const input = { userId: u.id, amount: 10, ttlSeconds: 60, refType: "chat_message" as const };
    const alone = await counted(() => reserve(c.db, { ...input, refId: `async-${u.id}` }));
    expect(alone.statements).toHaveLength(1);
    expect(alone.statements[0]).toContain("set_config('synchronous_commit', 'off', true)");
    const inTx = await counted(() =>
      c.db.$transaction(async (tx) => {
        await reserve(tx, { ...input, refId: `sync-${u.id}` });
        const [row] = await tx.$queryRaw<{ synchronous_commit: string }[]>`SHOW synchronous_commit`;
        return row!.synchronous_commit;
      }),
    );
    expect(inTx.result).toBe("on");
    expect(inTx.statements.some((s) => s.includes("synchronous_commit', 'off'"))).toBe(false);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 20, spendable: 980 });
  });

  it("a refused reserve writes nothing and reports the locked account's numbers", async () => {
    const u = await funded(100);
    await reserve(c.db, { userId: u.id, amount: 60, refType: "chat_message", refId: `a-${u.id}`, ttlSeconds: 60 });
    const refused = await reserve(c.db, {
      userId: u.id,
      amount: 41,
      refType: "chat_message",
      refId: `b-${u.id}`,
      ttlSeconds: 60,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InsufficientCreditsError);
    expect(refused).toMatchObject({ required: 41, available: 40, held: 60 });
    expect(await t.db.creditHold.count({ where: { userId: u.id } })).toBe(1);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 100, held: 60, spendable: 40 });
  });

  it("release and settle are one statement each; closing twice changes nothing", async () => {
    const u = await funded(1000);
    const a = await reserve(c.db, {
      userId: u.id,
      amount: 100,
      refType: "chat_message",
      refId: `x-${u.id}`,
      ttlSeconds: 60,
    });
    const b = await reserve(c.db, {
      userId: u.id,
      amount: 200,
      refType: "chat_message",
      refId: `y-${u.id}`,
      ttlSeconds: 60,
    });
    const released = await counted(() => release(c.db, a.id));
    expect(released.result).toBe(true);
    expect(released.statements).toHaveLength(1);
    const settled = await counted(() =>
      settle(c.db, { holdId: b.id, cost: 250, refType: "chat_message", refId: `y-${u.id}` }),
    );
    expect(settled.result.charged).toBe(200);
    expect(settled.result.entry).toMatchObject({ userId: u.id, amount: -200, balanceAfter: 800, reason: "chat_usage" });
    expect(settled.statements).toHaveLength(1);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 800, held: 0, spendable: 800 });
    // Closing twice changes nothing (the repeat settle answers from its transaction).
    expect(await release(c.db, a.id)).toBe(false);
    expect((await settle(c.db, { holdId: b.id, cost: 5, refType: "chat_message", refId: `y-${u.id}` })).charged).toBe(
      200,
    );
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 800, held: 0, spendable: 800 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a settle of nothing is one statement too: the hold closes, no ledger row", async () => {
    const u = await funded(500);
    const hold = await reserve(c.db, {
      userId: u.id,
      amount: 50,
      refType: "chat_message",
      refId: `z-${u.id}`,
      ttlSeconds: 60,
    });
    const settled = await counted(() =>
      settle(c.db, { holdId: hold.id, cost: 0, refType: "chat_message", refId: `z-${u.id}` }),
    );
    expect(settled.result).toEqual({ charged: 0, entry: null });
    expect(settled.statements).toHaveLength(1);
    expect(await t.db.creditHold.findUniqueOrThrow({ where: { id: hold.id } })).toMatchObject({
      status: "settled",
      settledAmount: 0,
    });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 500, held: 0, spendable: 500 });
  });

  it("a settle whose charge crosses the low-balance threshold takes the transaction, and the alert fires once", async () => {
    const u = await funded(1000);
    await t.db.user.update({ where: { id: u.id }, data: { lowBalanceAlerts: true, lowBalanceThreshold: 900 } });
    const hold = await reserve(c.db, {
      userId: u.id,
      amount: 300,
      refType: "chat_message",
      refId: `l-${u.id}`,
      ttlSeconds: 60,
    });
    const settled = await counted(() =>
      settle(c.db, { holdId: hold.id, cost: 200, refType: "chat_message", refId: `l-${u.id}` }),
    );
    expect(settled.result.charged).toBe(200);
    expect(settled.statements[0]).not.toBe("BEGIN"); // the one statement tried first, wrote nothing
    expect(settled.statements).toContain("BEGIN");
    const after = await t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(after).toMatchObject({ balance: 800, heldCredits: 0 });
    expect(after.lowBalanceAlertedAt).not.toBeNull();
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a settle whose ref another write already took changes nothing but what the transaction decides", async () => {
    const u = await funded(1000);
    const hold = await reserve(c.db, {
      userId: u.id,
      amount: 100,
      refType: "chat_message",
      refId: `h-${u.id}`,
      ttlSeconds: 60,
    });
    // The reply's ref already charged outside the hold (e.g. a direct spend under it): settle must not charge again.
    await spend(t.db, { userId: u.id, amount: 40, refType: "chat_message", refId: `taken-${u.id}` });
    const settled = await settle(c.db, { holdId: hold.id, cost: 60, refType: "chat_message", refId: `taken-${u.id}` });
    expect(settled.entry).toMatchObject({ amount: -40 });
    expect(await t.db.creditLedger.count({ where: { refId: `taken-${u.id}` } })).toBe(1);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 960, held: 0, spendable: 960 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("20 racing reserves of one ref hold it once", async () => {
    const u = await funded(1000);
    const holds = await Promise.all(
      Array.from({ length: 20 }, () =>
        reserve(t.db, { userId: u.id, amount: 30, refType: "chat_message", refId: `same-${u.id}`, ttlSeconds: 60 }),
      ),
    );
    expect(new Set(holds.map((h) => h.id)).size).toBe(1);
    expect(await t.db.creditHold.count({ where: { userId: u.id } })).toBe(1);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 30, spendable: 970 });
  });
});
