import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  clawback,
  defaultLowBalanceThreshold,
  getLowBalanceStatus,
  grant,
  InvalidLowBalanceThresholdError,
  release,
  reserve,
  setLowBalanceSetting,
  settle,
  spend,
} from "~/server/credits";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser, ledgerSum } from "../helpers/users";

describe("default low-balance threshold", () => {
  it("is 5,000 without a paid pack, else 10% of the last pack's credits (whole credits)", () => {
    expect(defaultLowBalanceThreshold(null)).toBe(5_000);
    expect(defaultLowBalanceThreshold(50_000)).toBe(5_000);
    expect(defaultLowBalanceThreshold(200_000)).toBe(20_000);
    expect(defaultLowBalanceThreshold(1_000_000)).toBe(100_000);
    expect(defaultLowBalanceThreshold(12_345)).toBe(1_234);
  });
});

describeEachDb("low-balance alerts", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
  });
  afterAll(() => t.close());

  let seq = 0;
  /** A verified account (mail goes only to confirmed addresses) holding `amount` credits, alert armed. */
  async function funded(amount: number, opts: { verified?: boolean; locale?: string } = {}) {
    const u = await createUser(t.db);
    await t.db.user.update({
      where: { id: u.id },
      data: { emailVerified: opts.verified === false ? null : new Date(), locale: opts.locale ?? null },
    });
    await grant(t.db, { userId: u.id, amount, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    return u;
  }
  const ref = (u: { id: string }) => `lb-${u.id}-${++seq}`;
  const alertMails = (to: string) => t.db.mailOutbox.findMany({ where: { to, template: "low_balance" } });
  const alertedAt = async (userId: string) =>
    (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).lowBalanceAlertedAt;

  /** A pack the user bought and was credited for (the default threshold reads the last one). */
  async function paidPack(userId: string, credits: number, createdAt: Date) {
    await t.db.purchase.create({
      data: {
        id: `cs_test_${userId}_${++seq}`,
        userId,
        packId: "starter",
        credits,
        amountTotal: 500,
        currency: "usd",
        status: "paid",
        creditedAt: createdAt,
        createdAt,
      },
    });
  }

  it("fires exactly once when 50 concurrent spends cross the threshold: one mail, none for further spends below", async () => {
    const u = await funded(6_000, { locale: "fr" });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        spend(t.db, { userId: u.id, amount: 100, refType: "chat_message", refId: ref(u) }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(50);
    const crossings = results.flatMap((r) =>
      r.status === "fulfilled" && r.value.lowBalance ? [r.value.lowBalance] : [],
    );
    expect(crossings).toEqual([{ userId: u.id, direction: "below", balance: 4_900, threshold: 5_000 }]);

    const mails = await alertMails(u.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.locale).toBe("fr");
    expect(mails[0]!.params).toMatchObject({
      balance: 4_900,
      threshold: 5_000,
      link: expect.stringMatching(/\/billing$/),
      settingsLink: expect.stringMatching(/\/account#low-balance$/),
    });
    expect(await alertedAt(u.id)).not.toBeNull();

    // Further spends below the threshold: no second alert.
    for (let i = 0; i < 5; i++)
      await spend(t.db, { userId: u.id, amount: 100, refType: "chat_message", refId: ref(u) });
    expect(await alertMails(u.email)).toHaveLength(1);
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ balance: 500, threshold: 5_000, low: true });
    expect(await ledgerSum(t.db, u.id)).toBe(500);
  });

  it("re-arms when a grant brings the balance back to the threshold, and fires again on the next crossing", async () => {
    const u = await funded(5_100);
    await spend(t.db, { userId: u.id, amount: 200, refType: "chat_message", refId: ref(u) }); // 4,900: fires
    expect(await alertMails(u.email)).toHaveLength(1);

    // A grant that stays below does not re-arm: the next spend is still no new crossing.
    await grant(t.db, { userId: u.id, amount: 50, reason: "adjustment", refType: "operator", refId: ref(u) }); // 4,950
    expect(await alertedAt(u.id)).not.toBeNull();
    await spend(t.db, { userId: u.id, amount: 50, refType: "chat_message", refId: ref(u) });
    expect(await alertMails(u.email)).toHaveLength(1);

    // Back to exactly the threshold re-arms (>= threshold).
    const back = await grant(t.db, {
      userId: u.id,
      amount: 100,
      reason: "purchase",
      refType: "operator",
      refId: ref(u),
    });
    expect(back.lowBalance).toEqual({ userId: u.id, direction: "rearmed", balance: 5_000, threshold: 5_000 });
    expect(await alertedAt(u.id)).toBeNull();
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ low: false });

    // The next crossing fires again, and concurrent spends across it still mail once more.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        spend(t.db, { userId: u.id, amount: 10, refType: "chat_message", refId: ref(u) }),
      ),
    );
    expect(await alertMails(u.email)).toHaveLength(2);
  });

  it("holds never fire the alert; settling chat holds across the threshold fires it once", async () => {
    const u = await funded(6_000);
    // Worst-case holds push spendable far below the threshold: the owned balance has not moved.
    const holds = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        reserve(t.db, { userId: u.id, amount: 500, refType: "chat_message", refId: `h-${u.id}-${i}`, ttlSeconds: 60 }),
      ),
    );
    expect(await alertMails(u.email)).toHaveLength(0);
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ balance: 6_000, low: false });
    // A release gives spendable back without any crossing either.
    await release(t.db, holds[9]!.id);
    // Nine replies settle concurrently at 150 each: 6,000 → 4,650, crossing 5,000 once.
    await Promise.all(
      holds.slice(0, 9).map((h) => settle(t.db, { holdId: h.id, cost: 150, refType: "chat_message", refId: h.refId })),
    );
    expect(await alertMails(u.email)).toHaveLength(1);
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ balance: 4_650, low: true });
  });

  it("the default follows the last paid pack (10% of its credits); a pending purchase does not count", async () => {
    const u = await funded(30_000);
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ custom: null, defaultThreshold: 5_000 });
    await paidPack(u.id, 50_000, new Date(Date.now() - 60_000));
    await paidPack(u.id, 200_000, new Date(Date.now() - 30_000));
    await t.db.purchase.create({
      data: {
        id: `cs_test_pending_${u.id}`,
        userId: u.id,
        packId: "enterprise",
        credits: 1_000_000,
        amountTotal: 5000,
        currency: "usd",
      },
    });
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({
      defaultThreshold: 20_000,
      threshold: 20_000,
      low: false,
    });
    // 30,000 → 19,000 crosses the pack-based default (20,000), not 5,000.
    const res = await spend(t.db, { userId: u.id, amount: 11_000, refType: "chat_message", refId: ref(u) });
    expect(res.lowBalance).toMatchObject({ direction: "below", threshold: 20_000, balance: 19_000 });
    expect(await alertMails(u.email)).toHaveLength(1);
  });

  it("a custom threshold replaces the default; off means no banner and no mail", async () => {
    const u = await funded(3_000);
    await setLowBalanceSetting(t.db, u.id, { mode: "custom", threshold: 2_500, locale: "ja" });
    expect(await getLowBalanceStatus(t.db, u.id)).toEqual({
      balance: 3_000,
      enabled: true,
      custom: 2_500,
      defaultThreshold: 5_000,
      threshold: 2_500,
      low: false,
    });
    await spend(t.db, { userId: u.id, amount: 600, refType: "chat_message", refId: ref(u) });
    const [mail] = await alertMails(u.email);
    expect(mail).toMatchObject({ locale: "ja", params: expect.objectContaining({ threshold: 2_500, balance: 2_400 }) });

    const v = await funded(6_000);
    await setLowBalanceSetting(t.db, v.id, { mode: "off" });
    await spend(t.db, { userId: v.id, amount: 2_000, refType: "chat_message", refId: ref(v) });
    expect(await alertMails(v.email)).toHaveLength(0);
    expect(await getLowBalanceStatus(t.db, v.id)).toMatchObject({ enabled: false, threshold: null, low: false });
    expect(await alertedAt(v.id)).toBeNull();
  });

  it("changing the threshold re-arms a fired alert when the balance is at or above the new one, and mails nothing itself", async () => {
    const u = await funded(5_500);
    await spend(t.db, { userId: u.id, amount: 1_000, refType: "chat_message", refId: ref(u) }); // 4,500 < 5,000: fires
    expect(await alertMails(u.email)).toHaveLength(1);
    await setLowBalanceSetting(t.db, u.id, { mode: "custom", threshold: 4_000 });
    expect(await alertedAt(u.id)).toBeNull();
    expect(await alertMails(u.email)).toHaveLength(1);
    await spend(t.db, { userId: u.id, amount: 600, refType: "chat_message", refId: ref(u) }); // 3,900 < 4,000
    expect(await alertMails(u.email)).toHaveLength(2);

    // Raising it above the balance is not a crossing: the banner shows, no mail is sent.
    const v = await funded(6_000);
    await setLowBalanceSetting(t.db, v.id, { mode: "custom", threshold: 8_000 });
    expect(await getLowBalanceStatus(t.db, v.id)).toMatchObject({ low: true });
    await spend(t.db, { userId: v.id, amount: 100, refType: "chat_message", refId: ref(v) });
    expect(await alertMails(v.email)).toHaveLength(0);
  });

  it("unverified and deleted accounts get no mail, but the crossing is recorded and the banner still shows", async () => {
    const u = await funded(6_000, { verified: false });
    await spend(t.db, { userId: u.id, amount: 2_000, refType: "chat_message", refId: ref(u) });
    expect(await alertMails(u.email)).toHaveLength(0);
    expect(await alertedAt(u.id)).not.toBeNull();
    expect(await getLowBalanceStatus(t.db, u.id)).toMatchObject({ low: true, balance: 4_000 });

    // A deleted account keeps its ledger (a refund can still claw back) but has no address left.
    const v = await funded(6_000);
    await t.db.user.update({ where: { id: v.id }, data: { email: null, emailVerified: null, deletedAt: new Date() } });
    await clawback(t.db, { userId: v.id, amount: 2_000, reason: "refund", refType: "operator", refId: ref(v) });
    expect(await t.db.mailOutbox.count({ where: { template: "low_balance", to: v.email } })).toBe(0);
    expect(await alertedAt(v.id)).not.toBeNull();
  });

  it("a crossing whose transaction rolls back leaves no alert and no mail", async () => {
    const u = await funded(6_000);
    await expect(
      t.db.$transaction(async (tx) => {
        await spend(tx, { userId: u.id, amount: 2_000, refType: "chat_message", refId: ref(u) });
        throw new Error("the causing change failed");
      }),
    ).rejects.toThrow("the causing change failed");
    expect(await alertMails(u.email)).toHaveLength(0);
    expect(await alertedAt(u.id)).toBeNull();
    await spend(t.db, { userId: u.id, amount: 2_000, refType: "chat_message", refId: ref(u) });
    expect(await alertMails(u.email)).toHaveLength(1);
  });

  it("bad threshold input → BAD_REQUEST with a clear message, nothing changed", async () => {
    const u = await funded(6_000);
    const caller = callerFor(t.db, u.id);
    await caller.credits.setLowBalanceAlert({ mode: "custom", threshold: 3_000 });
    const before = { db: await snapshot(t.db), user: await t.db.user.findUniqueOrThrow({ where: { id: u.id } }) };
    const bad: unknown[] = [
      { mode: "custom", threshold: 0 },
      { mode: "custom", threshold: -5 },
      { mode: "custom", threshold: 12.5 },
      { mode: "custom", threshold: 100_000_001 },
      { mode: "custom", threshold: "4000" },
      { mode: "custom" },
      { mode: "default", threshold: 4_000 },
      { mode: "sometimes", threshold: 4_000 },
      { threshold: 4_000 },
    ];
    for (const input of bad)
      expect(await outcome(caller, "credits.setLowBalanceAlert", input), JSON.stringify(input)).toBe("BAD_REQUEST");
    await expect(caller.credits.setLowBalanceAlert({ mode: "custom", threshold: 0 })).rejects.toThrow(
      /at least 1 credit/,
    );
    await expect(caller.credits.setLowBalanceAlert({ mode: "default", threshold: 10 })).rejects.toThrow(
      /the default takes none/,
    );
    // The domain refuses on its own too (scripts call it directly).
    await expect(setLowBalanceSetting(t.db, u.id, { mode: "custom", threshold: 1.5 })).rejects.toBeInstanceOf(
      InvalidLowBalanceThresholdError,
    );
    expect(await snapshot(t.db)).toEqual(before.db);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).toEqual(before.user);
    expect(await caller.credits.lowBalance()).toMatchObject({ custom: 3_000, threshold: 3_000, enabled: true });
  });

  it("the setting answers through tRPC and saves the request's locale for the mail", async () => {
    const u = await funded(6_000);
    const caller = callerFor(t.db, u.id, new Headers({ cookie: "NEXT_LOCALE=de" }));
    expect(await caller.credits.setLowBalanceAlert({ mode: "default" })).toMatchObject({
      threshold: 5_000,
      custom: null,
    });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).locale).toBe("de");
    await spend(t.db, { userId: u.id, amount: 1_500, refType: "chat_message", refId: ref(u) });
    expect((await alertMails(u.email))[0]?.locale).toBe("de");
  });
});
