/**
 * The Stripe side of the load run and the rolling restart: the emulator both run in-process, and
 * what it says was paid (the source of truth the money invariants are checked against).
 */
import Stripe from "stripe";

import { startStripeEmulator } from "../../tools/stripe-emulator/src/index";

/** The emulator, delivering signed webhooks to `webhookUrl` and retrying failed deliveries quickly. */
export function startHarnessEmulator(port: number, webhookSecret: string, webhookUrl: string) {
  return startStripeEmulator({ port, webhookSecret, webhookUrl, retryDelaysMs: [200, 1000, 3000] });
}

/** Every PaymentIntent the emulator holds for these customers (auto top-ups and Checkout's alike). */
export async function intentsOfCustomers(emulatorPort: number, stripeKey: string, customers: string[]) {
  const stripe = new Stripe(stripeKey, { host: "127.0.0.1", port: emulatorPort, protocol: "http" });
  const intents: { id: string; customer: string | null; status: string; amount: number }[] = [];
  for (const customer of customers) {
    for await (const pi of stripe.paymentIntents.list({ customer, limit: 100 }))
      intents.push({
        id: pi.id,
        customer: typeof pi.customer === "string" ? pi.customer : null,
        status: pi.status,
        amount: pi.amount,
      });
  }
  return intents;
}

export interface SessionsByPayment {
  /** Paid sessions with the credits of their pack (-1: a pack the app does not sell). */
  paidSessions: Map<string, number>;
  unpaidSessions: string[];
  /** The PaymentIntents Checkout made (so the PaymentIntents of auto top-ups can be told apart from them). */
  checkoutIntentIds: Set<string>;
}

/** Every Checkout Session the emulator holds, split by payment, with the app's pack sizes. */
export async function sessionsByPayment(
  appUrl: string,
  emulatorPort: number,
  stripeKey: string,
): Promise<SessionsByPayment> {
  const stripe = new Stripe(stripeKey, { host: "127.0.0.1", port: emulatorPort, protocol: "http" });
  const products = (await (await fetch(`${appUrl}/api/trpc/billing.products`)).json()) as {
    result: { data: { json: { products: { id: string; credits: number }[] } } };
  };
  const packCredits = new Map(products.result.data.json.products.map((p) => [p.id, p.credits]));
  const paidSessions = new Map<string, number>();
  const unpaidSessions: string[] = [];
  const checkoutIntentIds = new Set<string>();
  for await (const s of stripe.checkout.sessions.list({ limit: 100 })) {
    if (typeof s.payment_intent === "string") checkoutIntentIds.add(s.payment_intent);
    if (s.payment_status === "paid") paidSessions.set(s.id, packCredits.get(s.metadata?.packId ?? "") ?? -1);
    else unpaidSessions.push(s.id);
  }
  return { paidSessions, unpaidSessions, checkoutIntentIds };
}
