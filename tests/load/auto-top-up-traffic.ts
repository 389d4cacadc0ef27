/**
 * The auto top-up users of a load run: each saves a card through the app (a Starter purchase with "save card"), turns
 * auto top-up on with a threshold it can never climb back over (so every spend triggers a top-up and only the monthly
 * cap stops them; caps of 1 to 3, so that a slow run still reaches some), then spends like everyone else. One of them charges a card that is declined whenever it is charged
 * (4000 0000 0000 0341, saved through a setup-mode Checkout Session): auto top-up must turn itself off after one try.
 */
import Stripe from "stripe";

import type { trpcClient } from "../../bench/lib/trpc-client";

type Client = ReturnType<typeof trpcClient>;

export type AutoTopUpCard = "succeeds" | "declines";

/** What the invariants need to know about one auto top-up user. */
export interface AutoTopUpUser {
  userId: string;
  /** The user's Stripe customer (where the emulator keeps its PaymentIntents). */
  customer: string;
  card: AutoTopUpCard;
  monthlyLimit: number;
}

export const AUTO_TOP_UP_PACK = "starter" as const;
const SUCCEEDS = "4242424242424242";
const DECLINES_WHEN_CHARGED = "4000000000000341";

export interface AutoTopUpTarget {
  appUrl: string;
  emulatorUrl: string;
  emulatorKey: string;
  /** The Starter purchase that saves the card is a paid Checkout Session like any other. */
  recordSession(sessionId: string): void;
}

async function payOnEmulator(target: AutoTopUpTarget, sessionId: string, card: string): Promise<void> {
  const res = await fetch(`${target.emulatorUrl}/_emulator/checkout/sessions/${sessionId}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card }),
  });
  if (res.status !== 200) throw new Error(`emulator pay with ${card.slice(-4)} answered ${res.status}`);
}

/** Saves the card, turns auto top-up on; returns who the user is at Stripe. */
export async function setUpAutoTopUp(
  target: AutoTopUpTarget,
  client: Client,
  userId: string,
  card: AutoTopUpCard,
  monthlyLimit: number,
): Promise<AutoTopUpUser> {
  const stripe = new Stripe(target.emulatorKey, {
    host: new URL(target.emulatorUrl).hostname,
    port: Number(new URL(target.emulatorUrl).port),
    protocol: "http",
    maxNetworkRetries: 0,
    telemetry: false,
  });
  const { checkoutUrl } = await client.billing.checkout.mutate({ packId: AUTO_TOP_UP_PACK, saveCard: true });
  const sessionId = /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)?.[0];
  if (!sessionId) throw new Error(`no session id in ${checkoutUrl}`);
  target.recordSession(sessionId);
  await payOnEmulator(target, sessionId, SUCCEEDS);
  const customer = (await stripe.checkout.sessions.retrieve(sessionId)).customer;
  if (typeof customer !== "string") throw new Error(`session ${sessionId} has no customer`);

  let last4 = "4242";
  if (card === "declines") {
    // The app saves cards only with a purchase (which this card cannot make): the card is saved the other way Stripe
    // allows, a setup-mode Checkout Session on the user's customer.
    const setup = await stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      customer,
      success_url: `${target.appUrl}/billing`,
    });
    await payOnEmulator(target, setup.id, DECLINES_WHEN_CHARGED);
    last4 = "0341";
  }
  const saved = (await client.billing.savedCards.query()).cards.find((c) => c.last4 === last4);
  if (!saved) throw new Error(`the saved ${last4} card is not listed`);

  const products = (await client.billing.products.query()).products;
  const packCredits = products.find((p) => p.id === AUTO_TOP_UP_PACK)?.credits ?? 0;
  const balance = await client.credits.balance.query();
  // Above anything the user can reach (its balance plus the cap's top-ups): every spend triggers until the cap.
  const threshold = balance.spendable + (monthlyLimit + 2) * packCredits;
  await client.autoTopUp.set.mutate({
    threshold,
    packId: AUTO_TOP_UP_PACK,
    monthlyLimit,
    paymentMethodId: saved.id,
  });
  return { userId, customer, card, monthlyLimit };
}
