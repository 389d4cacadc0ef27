/**
 * Auto top-up against the Stripe emulator: a user with credits and a saved card (any test card,
 * saved through setup-mode Checkout as Stripe allows for cards that only fail when charged), auto
 * top-up set through the API, and the app's background charges pointed at the suite's database.
 */
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect } from "vitest";

import { ensureStripeCustomer } from "~/server/billing";
import { chargeAutoTopUp } from "~/server/billing/auto-top-up/charge";
import { autoTopUpChargesSettled, setAutoTopUpChargerForTests } from "~/server/billing/auto-top-up/kick";
import { grant, OPERATOR_REF_TYPE, spend } from "~/server/credits";

import { callerFor } from "../../helpers/trpc";
import { createUser } from "../../helpers/users";
import { useEmulatorSuite, type EmulatorSuite } from "../emulator-harness";

export const CARDS = {
  ok: "4242 4242 4242 4242",
  alwaysAuth: "4000 0027 6000 3184",
  authOnSession: "4000 0025 0000 3155",
  declined: "4000 0000 0000 0341",
  insufficient: "4000 0000 0000 9995",
  expired: "4000 0000 0000 0069",
} as const;

/** The emulator suite, with top-up charges started by triggers running against it. */
export function useAutoTopUpSuite(kind: Parameters<typeof useEmulatorSuite>[0], opts: { webhooks: boolean }) {
  const suite = useEmulatorSuite(kind, { ...opts, poolSize: 8 });
  beforeAll(() =>
    setAutoTopUpChargerForTests((purchaseId) =>
      chargeAutoTopUp({ db: suite.t.db, stripe: suite.rig.stripe }, purchaseId),
    ),
  );
  afterAll(async () => {
    await autoTopUpChargesSettled();
    setAutoTopUpChargerForTests(undefined);
  });
  return suite;
}

/** Saves `card` on the user's Stripe customer through a setup-mode Checkout Session; returns its pm_ id. */
export async function saveCard(suite: EmulatorSuite, userId: string, card: string): Promise<string> {
  const customer = await ensureStripeCustomer(suite.t.db, suite.rig.stripe, userId);
  const session = await suite.rig.stripe.checkout.sessions.create({
    mode: "setup",
    customer,
    success_url: "http://localhost/billing?setup=1",
    cancel_url: "http://localhost/billing",
  });
  const paid = await suite.rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, { card });
  expect(paid.status).toBe(200);
  const methods = await suite.rig.stripe.customers.listPaymentMethods(customer, { type: "card" });
  const last4 = card.replaceAll(" ", "").slice(-4);
  const method = methods.data.find((m) => m.card?.last4 === last4);
  if (!method) throw new Error(`card ${card} was not saved`);
  return method.id;
}

export interface TopUpUser {
  id: string;
  email: string;
  paymentMethodId: string;
}

/** A user with `balance` credits, a confirmed address, `card` saved and auto top-up set (starter pack unless told). */
export async function topUpUser(
  suite: EmulatorSuite,
  opts: { card?: string; balance?: number; threshold?: number; monthlyLimit?: number } = {},
): Promise<TopUpUser> {
  const user = await createUser(suite.t.db);
  await suite.t.db.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
  if (opts.balance ?? 10_000)
    await grant(suite.t.db, {
      userId: user.id,
      amount: opts.balance ?? 10_000,
      reason: "adjustment",
      refType: OPERATOR_REF_TYPE,
      refId: randomUUID(),
    });
  const paymentMethodId = await saveCard(suite, user.id, opts.card ?? CARDS.ok);
  await callerFor(suite.t.db, user.id).autoTopUp.set({
    threshold: opts.threshold ?? 5_000,
    packId: "starter",
    monthlyLimit: opts.monthlyLimit ?? 3,
    paymentMethodId,
  });
  return { ...user, paymentMethodId };
}

export function spendCredits(suite: EmulatorSuite, userId: string, amount: number) {
  return spend(suite.t.db, { userId, amount, refType: OPERATOR_REF_TYPE, refId: randomUUID() });
}

/** Waits for every background charge started so far. */
export const chargesSettled = autoTopUpChargesSettled;

/** The distinct PaymentIntents the emulator saw events for, with their metadata's purchase. */
export async function paymentIntentsAtStripe(stripe: Stripe): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const event of stripe.events.list({ type: "payment_intent.*", limit: 100 }))
    ids.add((event.data.object as { id: string }).id);
  return ids;
}

export async function topUpsOf(suite: EmulatorSuite, userId: string) {
  return suite.t.db.purchase.findMany({ where: { userId, kind: "auto_top_up" }, orderBy: { createdAt: "asc" } });
}

export async function topUpGrants(suite: EmulatorSuite, userId: string) {
  return suite.t.db.creditLedger.findMany({ where: { userId, refType: "stripe_payment_intent" } });
}
