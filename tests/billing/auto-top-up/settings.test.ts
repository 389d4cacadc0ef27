import { expect, it } from "vitest";

import { BillingNotConfiguredError } from "~/server/billing";
import { getAutoTopUpView } from "~/server/billing/auto-top-up/view";
import { grant, OPERATOR_REF_TYPE } from "~/server/credits";

import { snapshot } from "../../helpers/db-snapshot";
import { describeEachDb } from "../../helpers/test-db";
import { callerFor, outcome } from "../../helpers/trpc";
import { createUser } from "../../helpers/users";
import { chargesSettled, saveCard, spendCredits, topUpGrants, topUpsOf, topUpUser, useAutoTopUpSuite } from "./rig";

describeEachDb("auto top-up: the setting", (kind) => {
  const suite = useAutoTopUpSuite(kind, { webhooks: true });

  it("off by default: a new user's view, and spends never charge anyone who did not turn it on", async () => {
    const u = await createUser(suite.t.db);
    expect(await callerFor(suite.t.db, u.id).autoTopUp.get()).toEqual({
      available: true,
      enabled: false,
      settings: null,
      card: null,
      turnedOff: null,
      usedThisMonth: 0,
      inFlight: null,
    });
    const notConfigured = await getAutoTopUpView(
      {
        db: suite.t.db,
        stripe: () => {
          throw new BillingNotConfiguredError();
        },
      },
      u.id,
    );
    expect(notConfigured).toMatchObject({ available: false, enabled: false, card: null });
    await grant(suite.t.db, {
      userId: u.id,
      amount: 1_000,
      reason: "adjustment",
      refType: OPERATOR_REF_TYPE,
      refId: u.id,
    });
    await spendCredits(suite, u.id, 999);
    await chargesSettled();
    expect(await topUpsOf(suite, u.id)).toEqual([]);
  });

  it("bad input is refused with a clear error and changes nothing: unknown, another user's or removed card; bad numbers", async () => {
    const owner = await topUpUser(suite);
    const other = await createUser(suite.t.db);
    const otherCard = await saveCard(suite, other.id, "4242 4242 4242 4242");
    const caller = callerFor(suite.t.db, owner.id);
    const valid = {
      threshold: 5_000,
      packId: "starter" as const,
      monthlyLimit: 3,
      paymentMethodId: owner.paymentMethodId,
    };
    await caller.autoTopUp.turnOff();
    const stranger = await createUser(suite.t.db);
    const before = await snapshot(suite.t.db);
    for (const paymentMethodId of [otherCard, "pm_unknown123"]) {
      await expect(caller.autoTopUp.set({ ...valid, paymentMethodId })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "That card is not one of your saved cards.",
      });
    }
    for (const patch of [
      { threshold: 0 },
      { threshold: 1.5 },
      { monthlyLimit: 0 },
      { monthlyLimit: 32 },
      { packId: "huge" },
      { paymentMethodId: "card_123" },
    ]) {
      expect(await outcome(caller, "autoTopUp.set", { ...valid, ...patch }), JSON.stringify(patch)).toBe("BAD_REQUEST");
    }
    // A user with no Stripe customer has no saved card to choose.
    expect(await outcome(callerFor(suite.t.db, stranger.id), "autoTopUp.set", valid)).toBe("BAD_REQUEST");
    expect(await snapshot(suite.t.db)).toEqual(before);
    expect(await caller.autoTopUp.get()).toMatchObject({ enabled: false });
  });

  it("a refund of a top-up's payment claws its credits back (refunds find it by its PaymentIntent)", async () => {
    const u = await topUpUser(suite, { balance: 6_000, threshold: 5_000, monthlyLimit: 1 });
    await spendCredits(suite, u.id, 2_000);
    await chargesSettled();
    const [topUp] = await topUpsOf(suite, u.id);
    expect(topUp).toMatchObject({ status: "paid" });
    await suite.rig.stripe.refunds.create({ payment_intent: topUp!.paymentIntentId! });
    await expect
      .poll(async () => (await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp!.id } })).status, {
        timeout: 10_000,
      })
      .toBe("refunded");
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.balance).toBe(4_000);
    expect(await topUpGrants(suite, u.id)).toHaveLength(1);
    // The clawback left spendable below the threshold, but this month's one top-up is used: no second charge.
    await chargesSettled();
    expect(await topUpsOf(suite, u.id)).toHaveLength(1);
  });
});
