import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";

import { handleStripeEvent } from "~/server/billing";
import { chargeAutoTopUp, topUpIntentParams } from "~/server/billing/auto-top-up/charge";
import { setAutoTopUpChargerForTests } from "~/server/billing/auto-top-up/kick";
import { retryAutoTopUps } from "~/server/billing/auto-top-up/retry";

import { describeEachDb } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";
import { ledgerSum } from "../../helpers/users";
import type { EmulatorSuite } from "../emulator-harness";
import {
  chargesSettled,
  paymentIntentsAtStripe,
  saveCard,
  spendCredits,
  topUpGrants,
  topUpsOf,
  topUpUser,
  useAutoTopUpSuite,
  type TopUpUser,
} from "./rig";

describeEachDb("auto top-up: one charge and one grant per trigger", (kind) => {
  describe("without webhooks (the app process is the only actor)", () => {
    const suite = useAutoTopUpSuite(kind, { webhooks: false });
    afterEach(() =>
      setAutoTopUpChargerForTests((purchaseId) =>
        chargeAutoTopUp({ db: suite.t.db, stripe: suite.rig.stripe }, purchaseId),
      ),
    );

    /**
     * The process "crashes" right after Stripe created the PaymentIntent: the trigger committed the pending top-up,
     * the charge request reached Stripe (same key, same parameters as chargeAutoTopUp sends), nothing was recorded.
     */
    async function crashedMidCharge(u: TopUpUser) {
      setAutoTopUpChargerForTests(null);
      await spendCredits(suite, u.id, 2_000);
      const [topUp] = await topUpsOf(suite, u.id);
      expect(topUp).toMatchObject({ status: "pending", paymentIntentId: null });
      const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
      const intent = await suite.rig.stripe.paymentIntents.create(
        topUpIntentParams(topUp!, user.stripeCustomerId!, u.paymentMethodId),
        { idempotencyKey: topUp!.idempotencyKey! },
      );
      expect(intent.status).toBe("succeeded");
      return { topUp: topUp!, intent };
    }

    it("a restart mid-top-up: the retry job reuses the idempotency key → the same PaymentIntent, one grant", async () => {
      const u = await topUpUser(suite, { balance: 6_000 });
      const before = await paymentIntentsAtStripe(suite.rig.stripe);
      const { topUp, intent } = await crashedMidCharge(u);
      const deps = { db: suite.t.db, stripe: () => suite.rig.stripe };
      // Too recent for the job (a kick may still be running): left alone.
      expect(await retryAutoTopUps(deps)).toMatchObject({ charged: 0 });
      const runs = await Promise.all([retryAutoTopUps(deps, { minAgeMs: 0 }), retryAutoTopUps(deps, { minAgeMs: 0 })]);
      expect(runs.reduce((n, r) => n + r.charged + r.settled, 0)).toBeGreaterThanOrEqual(1);
      expect(runs.every((r) => r.errors === 0)).toBe(true);
      expect(await retryAutoTopUps(deps, { minAgeMs: 0 })).toEqual({ charged: 0, settled: 0, abandoned: 0, errors: 0 });

      const after = await paymentIntentsAtStripe(suite.rig.stripe);
      expect([...after].filter((id) => !before.has(id))).toEqual([intent.id]);
      expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } })).toMatchObject({
        status: "paid",
        paymentIntentId: intent.id,
      });
      expect(await topUpGrants(suite, u.id)).toEqual([
        expect.objectContaining({ refId: intent.id, amount: topUp.credits }),
      ]);
      expect(await suite.t.db.autoTopUp.findUniqueOrThrow({ where: { userId: u.id } })).toMatchObject({
        enabled: true,
        inFlightPurchaseId: null,
      });
    });

    it("a storm of the PaymentIntent's events (duplicates, copies, concurrent) credits it once", async () => {
      const u = await topUpUser(suite, { balance: 6_000 });
      const { topUp, intent } = await crashedMidCharge(u);
      const events = (await suite.rig.stripe.events.list({ type: "payment_intent.*", limit: 100 })).data.filter(
        (e) => (e.data.object as { id: string }).id === intent.id,
      );
      expect(events.map((e) => e.type).sort()).toEqual(["payment_intent.succeeded"]);
      const event = events[0]!;
      const storm: Stripe.Event[] = [
        ...Array.from({ length: 10 }, () => event),
        ...Array.from({ length: 10 }, () => ({ ...event, id: `evt_${randomUUID().replaceAll("-", "")}` })),
      ];
      const options = { stripe: () => suite.rig.stripe, livemode: false };
      const outcomes = await Promise.all([
        ...storm.map((e) => handleStripeEvent(suite.t.db, e, options)),
        retryAutoTopUps({ db: suite.t.db, stripe: () => suite.rig.stripe }, { minAgeMs: 0 }),
      ]);
      expect(outcomes.length).toBe(21);
      expect(await topUpGrants(suite, u.id)).toHaveLength(1);
      const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
      expect(user.balance).toBe(4_000 + topUp.credits);
      expect(await ledgerSum(suite.t.db, u.id)).toBe(user.balance);
      expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } })).toMatchObject({
        status: "paid",
        receiptUrl: expect.stringContaining("/receipts/"),
      });
    });

    it("forged payment_intent events credit nothing: an unknown intent, a wrong amount, another user's or customer's", async () => {
      const u = await topUpUser(suite, { balance: 6_000 });
      setAutoTopUpChargerForTests(null);
      await spendCredits(suite, u.id, 2_000);
      const [topUp] = await topUpsOf(suite, u.id);
      const attacker = await topUpUser(suite, { balance: 100_000 });
      const attackerUser = await suite.t.db.user.findUniqueOrThrow({ where: { id: attacker.id } });
      const victim = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
      const victimCard = await saveCard(suite, u.id, "4242 4242 4242 4242");
      const params = topUpIntentParams(topUp!, victim.stripeCustomerId!, victimCard);
      const forgeries: [string, Stripe.PaymentIntentCreateParams][] = [
        ["amount_mismatch", { ...params, amount: 5_000 }],
        [
          "customer_mismatch",
          { ...params, customer: attackerUser.stripeCustomerId!, payment_method: attacker.paymentMethodId },
        ],
        ["user_mismatch", { ...params, metadata: { ...params.metadata, userId: attacker.id } }],
        ["not_auto_top_up", { ...params, metadata: { ...params.metadata, purchaseId: "cs_test_nope" } }],
      ];
      const options = { stripe: () => suite.rig.stripe, livemode: false };
      const eventFor = (id: string) =>
        ({
          id: `evt_${randomUUID().replaceAll("-", "")}`,
          type: "payment_intent.succeeded",
          livemode: false,
          data: { object: { id, object: "payment_intent" } },
        }) as unknown as Stripe.Event;
      for (const [reason, forged] of forgeries) {
        const intent = await suite.rig.stripe.paymentIntents.create(forged);
        expect(intent.status).toBe("succeeded");
        expect((await handleStripeEvent(suite.t.db, eventFor(intent.id), options)).outcome).toBe(`refused:${reason}`);
      }
      expect((await handleStripeEvent(suite.t.db, eventFor("pi_doesnotexist"), options)).outcome).toBe(
        "refused:unknown_payment_intent",
      );
      expect(await topUpGrants(suite, u.id)).toEqual([]);
      expect(await topUpGrants(suite, attacker.id)).toEqual([]);
      expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp!.id } })).toMatchObject({
        status: "pending",
        paymentIntentId: null,
        creditedAt: null,
      });
    });
  });

  describe("the monthly cap", () => {
    const suite = useAutoTopUpSuite(kind, { webhooks: true });

    const balanceOf = async (s: EmulatorSuite, userId: string) =>
      (await s.t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;

    it("holds under concurrent triggers: rounds of 20 concurrent spends below the threshold, at most monthlyLimit top-ups", async () => {
      const u = await topUpUser(suite, { balance: 6_000, threshold: 5_000, monthlyLimit: 2 });
      for (let round = 0; round < 4; round++) {
        // Down to 5,500, then 20 concurrent spends of 100 cross the threshold together.
        const balance = await balanceOf(suite, u.id);
        if (balance > 5_500) await spendCredits(suite, u.id, balance - 5_500);
        await Promise.all(Array.from({ length: 20 }, () => spendCredits(suite, u.id, 100)));
        await chargesSettled();
      }
      const topUps = await topUpsOf(suite, u.id);
      expect(topUps.map((p) => p.status)).toEqual(["paid", "paid"]);
      expect(await topUpGrants(suite, u.id)).toHaveLength(2);
      expect(await balanceOf(suite, u.id)).toBe(1_500);
      expect(await ledgerSum(suite.t.db, u.id)).toBe(1_500);
    });

    it("counts only this calendar month's (UTC) top-ups that took or may take money", async () => {
      const u = await topUpUser(suite, { balance: 6_000, threshold: 5_000, monthlyLimit: 1 });
      const now = new Date();
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1);
      const row = {
        kind: "auto_top_up" as const,
        userId: u.id,
        packId: "starter",
        credits: 1,
        amountTotal: 500,
        currency: "usd",
      };
      await suite.t.db.purchase.create({
        data: { ...row, id: `topup_old_${u.id}`, status: "paid", createdAt: lastMonth },
      });
      await suite.t.db.purchase.create({ data: { ...row, id: `topup_failed_${u.id}`, status: "failed" } });
      await spendCredits(suite, u.id, 2_000);
      await chargesSettled();
      expect((await topUpsOf(suite, u.id)).filter((p) => p.status === "paid" && p.createdAt > lastMonth)).toHaveLength(
        1,
      );
      const balance = await balanceOf(suite, u.id);
      await spendCredits(suite, u.id, balance - 1_000);
      await chargesSettled();
      expect(await topUpsOf(suite, u.id)).toHaveLength(3); // last month's, the failed one, this month's one
      expect((await callerFor(suite.t.db, u.id).autoTopUp.get()).usedThisMonth).toBe(1);
    });
  });
});
