import { afterAll, beforeAll, expect, it } from "vitest";

import {
  getBalance,
  grant,
  HoldNotActiveError,
  InsufficientCreditsError,
  release,
  releaseStaleHolds,
  reserve,
  settle,
  spend,
  sweepStaleHolds,
} from "~/server/credits";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser, ledgerSum } from "../helpers/users";

describeEachDb("credit holds", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  async function funded(amount: number) {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    return u;
  }

  it("a hold lowers spendable at once; spend cannot use held credits", async () => {
    const u = await funded(1000);
    await reserve(t.db, { userId: u.id, amount: 700, refType: "chat_message", refId: `h-${u.id}`, ttlSeconds: 60 });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 700, spendable: 300 });
    await expect(
      spend(t.db, { userId: u.id, amount: 301, refType: "chat_message", refId: `s-${u.id}` }),
    ).rejects.toBeInstanceOf(InsufficientCreditsError);
  });

  it("concurrent reserves against a small balance never over-commit", async () => {
    const u = await funded(1000);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        reserve(t.db, { userId: u.id, amount: 300, refType: "chat_message", refId: `c-${u.id}-${i}`, ttlSeconds: 60 }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const b = await getBalance(t.db, u.id);
    expect(b.held).toBe(900);
    expect(b.balance - b.held).toBeGreaterThanOrEqual(0);
  });

  it("settle charges the actual cost, frees the rest, writes one row; a second settle is a no-op", async () => {
    const u = await funded(1000);
    const hold = await reserve(t.db, {
      userId: u.id,
      amount: 400,
      refType: "chat_message",
      refId: `m-${u.id}`,
      ttlSeconds: 60,
    });
    const res = await settle(t.db, { holdId: hold.id, cost: 123, refType: "chat_message", refId: `m-${u.id}` });
    expect(res.charged).toBe(123);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 877, held: 0, spendable: 877 });
    const again = await settle(t.db, { holdId: hold.id, cost: 123, refType: "chat_message", refId: `m-${u.id}` });
    expect(again.charged).toBe(123);
    expect(await t.db.creditLedger.count({ where: { userId: u.id, reason: "chat_usage" } })).toBe(1);
    expect(await ledgerSum(t.db, u.id)).toBe(877);
  });

  it("settle above the hold is capped at the hold", async () => {
    const u = await funded(1000);
    const hold = await reserve(t.db, {
      userId: u.id,
      amount: 250,
      refType: "chat_message",
      refId: `m-${u.id}`,
      ttlSeconds: 60,
    });
    const res = await settle(t.db, { holdId: hold.id, cost: 10_000, refType: "chat_message", refId: `m-${u.id}` });
    expect(res.charged).toBe(250);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 750, held: 0, spendable: 750 });
  });

  it("release restores the spendable balance and cannot be settled afterwards", async () => {
    const u = await funded(500);
    const hold = await reserve(t.db, {
      userId: u.id,
      amount: 500,
      refType: "chat_message",
      refId: `m-${u.id}`,
      ttlSeconds: 60,
    });
    expect(await release(t.db, hold.id)).toBe(true);
    expect(await release(t.db, hold.id)).toBe(false);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 500, held: 0, spendable: 500 });
    await expect(
      settle(t.db, { holdId: hold.id, cost: 1, refType: "chat_message", refId: `m-${u.id}` }),
    ).rejects.toBeInstanceOf(HoldNotActiveError);
  });

  it("settle and release racing on one hold: exactly one wins, held returns to 0", async () => {
    const u = await funded(1000);
    const hold = await reserve(t.db, {
      userId: u.id,
      amount: 600,
      refType: "chat_message",
      refId: `m-${u.id}`,
      ttlSeconds: 60,
    });
    await Promise.allSettled([
      settle(t.db, { holdId: hold.id, cost: 100, refType: "chat_message", refId: `m-${u.id}` }),
      release(t.db, hold.id),
      settle(t.db, { holdId: hold.id, cost: 100, refType: "chat_message", refId: `m-${u.id}` }),
      release(t.db, hold.id),
    ]);
    const b = await getBalance(t.db, u.id);
    expect(b.held).toBe(0);
    expect([900, 1000]).toContain(b.balance);
    expect(await ledgerSum(t.db, u.id)).toBe(b.balance);
  });

  it("the sweep releases only expired active holds", async () => {
    const u = await funded(1000);
    const stale = await reserve(t.db, {
      userId: u.id,
      amount: 300,
      refType: "chat_message",
      refId: `old-${u.id}`,
      ttlSeconds: 1,
    });
    const fresh = await reserve(t.db, {
      userId: u.id,
      amount: 200,
      refType: "chat_message",
      refId: `new-${u.id}`,
      ttlSeconds: 3600,
    });
    const released = await releaseStaleHolds(t.db, new Date(Date.now() + 5_000));
    expect(released).toBeGreaterThanOrEqual(1);
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("released");
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("active");
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 200, spendable: 800 });
  });

  it("the sweep hands each expired hold with a closer to its domain and releases the rest, for one user when asked", async () => {
    const [u, other] = [await funded(1000), await funded(1000)];
    const chat = await reserve(t.db, {
      userId: u.id,
      amount: 300,
      refType: "chat_message",
      refId: `sw-chat-${u.id}`,
      ttlSeconds: -1,
    });
    const op = await reserve(t.db, {
      userId: u.id,
      amount: 100,
      refType: "operator",
      refId: `sw-op-${u.id}`,
      ttlSeconds: -1,
    });
    const elsewhere = await reserve(t.db, {
      userId: other.id,
      amount: 50,
      refType: "operator",
      refId: `sw-op-${other.id}`,
      ttlSeconds: -1,
    });
    const closed: string[] = [];
    const closer = async (holdId: string) => {
      closed.push(holdId);
      return release(t.db, holdId);
    };

    expect(await sweepStaleHolds(t.db, { userId: u.id, closers: { chat_message: closer }, onlyClosers: true })).toEqual(
      { closed: 1, released: 0 },
    );
    expect(closed).toEqual([chat.id]);
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: op.id } })).status).toBe("active");

    expect(await sweepStaleHolds(t.db, { userId: u.id, closers: { chat_message: closer } })).toEqual({
      closed: 0,
      released: 1,
    });
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: op.id } })).status).toBe("released");
    expect((await t.db.creditHold.findUniqueOrThrow({ where: { id: elsewhere.id } })).status).toBe("active");
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 1000, held: 0, spendable: 1000 });
  });
});
