import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { grant } from "~/server/credits";

import { createTestDb, testDbKinds, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import {
  AUTO_TOP_UP_REF_TYPE,
  autoTopUpViolations,
  pendingTopUps,
  topUpsInFlightTwice,
  type AutoTopUpExpectations,
} from "./auto-top-up-invariants";

// The load run's auto top-up checks (scripts/load-invariants.ts) are only as good as this: each must fire on the
// corruption it names, and stay quiet on a consistent run.
describe.runIf(testDbKinds().includes("postgres"))("load-run auto top-up invariant checks", () => {
  let t: TestDb;
  let sql: pg.Pool;
  let payer: string;
  let decliner: string;
  let expected: AutoTopUpExpectations;

  const topUp = (userId: string, id: string, status: "paid" | "failed" | "pending", paymentIntentId: string | null) =>
    t.db.purchase.create({
      data: {
        id,
        userId,
        kind: "auto_top_up",
        packId: "starter",
        credits: 50_000,
        amountTotal: 500,
        currency: "usd",
        status,
        paymentIntentId,
        triggerEntryId: `trigger_${id}`,
        idempotencyKey: `tally-auto-top-up:${id}`,
      },
    });

  beforeAll(async () => {
    t = await createTestDb("postgres");
    sql = new pg.Pool({ connectionString: t.url, max: 2 });
    payer = (await createUser(t.db)).id;
    decliner = (await createUser(t.db)).id;
    const setting = { threshold: 1_000_000, packId: "starter", monthlyLimit: 3 };
    await t.db.autoTopUp.create({ data: { userId: payer, ...setting, enabled: true, paymentMethodId: "pm_ok" } });
    await t.db.autoTopUp.create({
      data: {
        userId: decliner,
        ...setting,
        enabled: false,
        paymentMethodId: "pm_declines",
        disabledReason: "card_declined",
        disabledMessage: "Your card was declined.",
        disabledAt: new Date(),
      },
    });
    for (const pi of ["pi_a1", "pi_a2"]) {
      await topUp(payer, `topup_${pi}`, "paid", pi);
      await grant(t.db, {
        userId: payer,
        amount: 50_000,
        reason: "purchase",
        refType: AUTO_TOP_UP_REF_TYPE,
        refId: pi,
      });
    }
    await topUp(decliner, "topup_d1", "failed", "pi_d1");
    expected = {
      users: [
        { userId: payer, customer: "cus_payer", card: "succeeds", monthlyLimit: 3 },
        { userId: decliner, customer: "cus_decliner", card: "declines", monthlyLimit: 3 },
      ],
      intents: [
        { id: "pi_a1", customer: "cus_payer", status: "succeeded", amount: 500 },
        { id: "pi_a2", customer: "cus_payer", status: "succeeded", amount: 500 },
        { id: "pi_checkout", customer: "cus_payer", status: "succeeded", amount: 1500 },
        { id: "pi_d1", customer: "cus_decliner", status: "requires_payment_method", amount: 500 },
      ],
      checkoutIntentIds: new Set(["pi_checkout"]),
    };
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  /** Applies `corrupt`, returns the violations found, then restores the database with `restore`. */
  async function violationsWhile(corrupt: string, restore: string, exp = expected): Promise<string[]> {
    await sql.query(corrupt);
    try {
      return await autoTopUpViolations(sql, exp);
    } finally {
      await sql.query(restore);
    }
  }

  it("a consistent run has no violations (Checkout's own PaymentIntents are not top-ups)", async () => {
    expect(await autoTopUpViolations(sql, expected)).toEqual([]);
    expect(await topUpsInFlightTwice(sql)).toEqual([]);
    expect(await pendingTopUps(sql)).toBe(0);
  });

  it("an orphan charge: a PaymentIntent at Stripe with no top-up purchase (and never credited)", async () => {
    const found = await autoTopUpViolations(sql, {
      ...expected,
      intents: [...expected.intents, { id: "pi_orphan", customer: "cus_payer", status: "succeeded", amount: 500 }],
    });
    expect(found).toEqual([
      `user ${payer}: PaymentIntent pi_orphan (succeeded) has no top-up purchase`,
      `user ${payer}: succeeded PaymentIntent pi_orphan was never credited`,
    ]);
  });

  it("a grant for a PaymentIntent Stripe never charged, and a credited PaymentIntent that did not succeed", async () => {
    await grant(t.db, {
      userId: payer,
      amount: 1,
      reason: "purchase",
      refType: AUTO_TOP_UP_REF_TYPE,
      refId: "pi_ghost",
    });
    try {
      expect(await autoTopUpViolations(sql, expected)).toEqual([
        `user ${payer}: top-up grant for pi_ghost, which Stripe never charged for this user`,
      ]);
    } finally {
      await sql.query(`DELETE FROM "CreditLedger" WHERE "refId" = 'pi_ghost'`);
    }
    const intents = expected.intents.map((i) => (i.id === "pi_a2" ? { ...i, status: "requires_payment_method" } : i));
    expect(await autoTopUpViolations(sql, { ...expected, intents })).toEqual([
      "PaymentIntent pi_a2 (requires_payment_method) was credited",
    ]);
  });

  it("a succeeded PaymentIntent whose grant or purchase is wrong", async () => {
    expect(
      await violationsWhile(
        `UPDATE "CreditLedger" SET amount = 49999 WHERE "refId" = 'pi_a1'`,
        `UPDATE "CreditLedger" SET amount = 50000 WHERE "refId" = 'pi_a1'`,
      ),
    ).toEqual(["PaymentIntent pi_a1: 1 grants totalling 49999 (expected 1 of 50000)"]);
    expect(
      await violationsWhile(
        `DELETE FROM "CreditLedger" WHERE "refId" = 'pi_a1'`,
        `INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId") VALUES ('back', '${payer}', 50000, 50000, 'purchase', '${AUTO_TOP_UP_REF_TYPE}', 'pi_a1')`,
      ),
    ).toEqual([`user ${payer}: succeeded PaymentIntent pi_a1 was never credited`]);
    expect(
      await violationsWhile(
        `UPDATE "Purchase" SET "amountTotal" = 400 WHERE id = 'topup_pi_a2'`,
        `UPDATE "Purchase" SET "amountTotal" = 500 WHERE id = 'topup_pi_a2'`,
      ),
    ).toEqual(["top-up topup_pi_a2: charged 500, purchase says 400"]);
  });

  it("over the monthly cap; two top-ups in flight (also as sampled during the run)", async () => {
    await topUp(payer, "topup_a3", "paid", null);
    await topUp(payer, "topup_a4", "pending", null);
    await topUp(payer, "topup_a5", "pending", null);
    try {
      expect(await autoTopUpViolations(sql, expected)).toEqual([
        "top-up topup_a3: paid without a PaymentIntent",
        `user ${payer}: 5 top-ups this month, over the cap of 3`,
        `user ${payer}: 2 top-ups in flight at the end`,
      ]);
      expect(await topUpsInFlightTwice(sql)).toEqual([
        `user ${payer}: 2 top-ups in flight at once (topup_a4, topup_a5)`,
      ]);
      expect(await pendingTopUps(sql)).toBe(2);
    } finally {
      await sql.query(`DELETE FROM "Purchase" WHERE id IN ('topup_a3', 'topup_a4', 'topup_a5')`);
    }
  });

  it("the declined card: still on, or retried (a second attempt), is a violation", async () => {
    expect(
      await violationsWhile(
        `UPDATE "AutoTopUp" SET enabled = true, "disabledReason" = NULL WHERE "userId" = '${decliner}'`,
        `UPDATE "AutoTopUp" SET enabled = false, "disabledReason" = 'card_declined' WHERE "userId" = '${decliner}'`,
      ),
    ).toEqual([`user ${decliner} (declined card): auto top-up still on, expected off for card_declined`]);
    await topUp(decliner, "topup_d2", "failed", "pi_d2");
    try {
      const found = await autoTopUpViolations(sql, {
        ...expected,
        intents: [
          ...expected.intents,
          { id: "pi_d2", customer: "cus_decliner", status: "requires_payment_method", amount: 500 },
        ],
      });
      expect(found).toEqual([
        `user ${decliner} (declined card): 2 top-ups (failed, failed) and 2 PaymentIntents, expected exactly one failed attempt (no retry loop)`,
      ]);
    } finally {
      await sql.query(`DELETE FROM "Purchase" WHERE id = 'topup_d2'`);
    }
  });

  it("a failed top-up on the card that pays, and an in-flight pointer to nothing", async () => {
    expect(
      await violationsWhile(
        `UPDATE "AutoTopUp" SET "inFlightPurchaseId" = 'topup_pi_a1' WHERE "userId" = '${payer}'`,
        `UPDATE "AutoTopUp" SET "inFlightPurchaseId" = NULL WHERE "userId" = '${payer}'`,
      ),
    ).toEqual([`user ${payer}: in-flight pointer topup_pi_a1 is not a pending top-up of the user`]);
    await topUp(payer, "topup_a6", "failed", null);
    try {
      expect(await autoTopUpViolations(sql, expected)).toEqual([`user ${payer}: a top-up on the 4242 card failed`]);
    } finally {
      await sql.query(`DELETE FROM "Purchase" WHERE id = 'topup_a6'`);
    }
  });
});
