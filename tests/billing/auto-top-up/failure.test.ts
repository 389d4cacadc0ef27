import { expect, it } from "vitest";

import { retryAutoTopUps } from "~/server/billing/auto-top-up/retry";

import { describeEachDb } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";
import {
  CARDS,
  chargesSettled,
  paymentIntentsAtStripe,
  saveCard,
  spendCredits,
  topUpGrants,
  topUpsOf,
  topUpUser,
  useAutoTopUpSuite,
} from "./rig";

describeEachDb("auto top-up: failures turn it off", (kind) => {
  const suite = useAutoTopUpSuite(kind, { webhooks: true });

  const mailsTo = (to: string, template: string) =>
    suite.t.db.mailOutbox.findMany({ where: { to: to.toLowerCase(), template } });

  it.each([
    ["declined (0341)", CARDS.declined, "generic_decline", "Your card was declined."],
    ["insufficient funds (9995)", CARDS.insufficient, "insufficient_funds", "Your card has insufficient funds."],
  ])(
    "%s → the top-up fails with the bank's reason, auto top-up is off, one mail, and further spends charge nothing",
    async (_label, card, code, message) => {
      const u = await topUpUser(suite, { card, balance: 6_000, threshold: 5_000 });
      const before = await paymentIntentsAtStripe(suite.rig.stripe);
      await spendCredits(suite, u.id, 2_000);
      await chargesSettled();
      const [topUp, ...more] = await topUpsOf(suite, u.id);
      expect(more).toEqual([]);
      expect(topUp).toMatchObject({ status: "failed", failureCode: code, failureMessage: message, creditedAt: null });
      expect(topUp!.paymentIntentId).toMatch(/^pi_/);

      const view = await callerFor(suite.t.db, u.id).autoTopUp.get();
      expect(view).toMatchObject({
        enabled: false,
        inFlight: null,
        usedThisMonth: 0,
        turnedOff: { reason: "card_declined", message, at: expect.any(Date) },
        // The setting is kept for when the user turns it back on.
        settings: { threshold: 5_000, packId: "starter", monthlyLimit: 3, paymentMethodId: u.paymentMethodId },
      });
      const mails = await mailsTo(u.email, "auto_top_up_failed");
      expect(mails).toHaveLength(1);
      expect(mails[0]!.params).toMatchObject({ reason: "card_declined", link: expect.stringContaining(topUp!.id) });

      // No retry loop: more spends below the threshold, the retry job and late webhooks start nothing new.
      for (let i = 0; i < 5; i++) await spendCredits(suite, u.id, 100);
      await chargesSettled();
      await retryAutoTopUps({ db: suite.t.db, stripe: () => suite.rig.stripe }, { minAgeMs: 0 });
      expect(await topUpsOf(suite, u.id)).toHaveLength(1);
      const after = await paymentIntentsAtStripe(suite.rig.stripe);
      expect([...after].filter((id) => !before.has(id))).toEqual([topUp!.paymentIntentId]);
      expect(await topUpGrants(suite, u.id)).toEqual([]);
      expect(await mailsTo(u.email, "auto_top_up_failed")).toHaveLength(1);
      expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(3_500);
    },
  );

  it("a saved card that has expired → the top-up fails (expired_card), auto top-up is off (card_expired), one mail, no retry", async () => {
    const u = await topUpUser(suite, { balance: 6_000, threshold: 5_000 });
    const expired = await suite.rig.control(`/_emulator/payment_methods/${u.paymentMethodId}/expire`, {});
    expect(expired.status).toBe(200);
    await spendCredits(suite, u.id, 2_000);
    await chargesSettled();
    const [topUp, ...more] = await topUpsOf(suite, u.id);
    expect(more).toEqual([]);
    expect(topUp).toMatchObject({ status: "failed", failureCode: "expired_card", creditedAt: null });
    expect(await callerFor(suite.t.db, u.id).autoTopUp.get()).toMatchObject({
      enabled: false,
      inFlight: null,
      turnedOff: { reason: "card_expired", message: "Your card has expired." },
    });
    expect(await mailsTo(u.email, "auto_top_up_failed")).toHaveLength(1);
    for (let i = 0; i < 3; i++) await spendCredits(suite, u.id, 100);
    await chargesSettled();
    await retryAutoTopUps({ db: suite.t.db, stripe: () => suite.rig.stripe }, { minAgeMs: 0 });
    expect(await topUpsOf(suite, u.id)).toHaveLength(1);
    expect(await topUpGrants(suite, u.id)).toEqual([]);
  });

  it("removing the card auto top-up uses turns it off (card_removed); removing another card does not", async () => {
    const u = await topUpUser(suite, { balance: 10_000 });
    const caller = callerFor(suite.t.db, u.id);
    const spare = await saveCard(suite, u.id, "5555 5555 5555 4444");
    await caller.billing.removeSavedCard({ paymentMethodId: spare });
    expect(await caller.autoTopUp.get()).toMatchObject({ enabled: true, turnedOff: null });

    await caller.billing.removeSavedCard({ paymentMethodId: u.paymentMethodId });
    expect(await caller.autoTopUp.get()).toMatchObject({
      enabled: false,
      card: null,
      turnedOff: { reason: "card_removed" },
    });
    await spendCredits(suite, u.id, 6_000);
    await chargesSettled();
    expect(await topUpsOf(suite, u.id)).toEqual([]);
  });

  it("a card detached at Stripe behind Tally's back: the trigger's charge fails as card_removed, nothing charged, off, told", async () => {
    const u = await topUpUser(suite, { balance: 6_000 });
    await suite.rig.stripe.paymentMethods.detach(u.paymentMethodId);
    await spendCredits(suite, u.id, 2_000);
    await chargesSettled();
    const [topUp] = await topUpsOf(suite, u.id);
    expect(topUp).toMatchObject({ status: "failed", failureCode: "card_removed", paymentIntentId: null });
    expect(await callerFor(suite.t.db, u.id).autoTopUp.get()).toMatchObject({
      enabled: false,
      turnedOff: { reason: "card_removed" },
    });
    expect(await mailsTo(u.email, "auto_top_up_failed")).toHaveLength(1);
  });

  it("set() turns it back on (clearing why it was off); turnOff keeps the setting", async () => {
    const u = await topUpUser(suite, { card: CARDS.declined, balance: 6_000 });
    await spendCredits(suite, u.id, 2_000);
    await chargesSettled();
    const caller = callerFor(suite.t.db, u.id);
    expect((await caller.autoTopUp.get()).turnedOff).not.toBeNull();
    const settings = { threshold: 1_000, packId: "pro" as const, monthlyLimit: 2, paymentMethodId: u.paymentMethodId };
    expect(await caller.autoTopUp.set(settings)).toMatchObject({ enabled: true, turnedOff: null, settings });
    expect(await caller.autoTopUp.turnOff()).toMatchObject({ enabled: false, turnedOff: null, settings });
  });
});
