import Stripe from "stripe";

import { EMULATOR_SECRET_KEY, emulatorUrl, realStripe } from "../stack/config.mjs";

/**
 * The Stripe REST API as the journeys see it: the emulator in the offline mode, Stripe test mode
 * with STRIPE_SECRET_KEY. Specs use it the way an operator uses the Dashboard (refunds, events).
 */
export function stripeApi(): Stripe {
  if (realStripe) return new Stripe(process.env.STRIPE_SECRET_KEY as string);
  const url = new URL(emulatorUrl);
  return new Stripe(EMULATOR_SECRET_KEY, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: 1,
  });
}

/**
 * Every event about one purchase, oldest first: the Checkout Session's own events and those of its
 * payment intent and charge (payment_intent.succeeded, charge.succeeded, charge.refunded…).
 */
export async function eventsForSession(stripe: Stripe, sessionId: string): Promise<Stripe.Event[]> {
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const paymentIntent =
    typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    const object = event.data.object as { id?: string; payment_intent?: string | null };
    const ids = [object.id, object.payment_intent];
    if (ids.includes(sessionId) || (paymentIntent && ids.includes(paymentIntent))) events.push(event);
  }
  return events.sort((a, b) => a.created - b.created);
}

/** The Checkout Session id the browser came back with (success_url carries `session_id={CHECKOUT_SESSION_ID}`). */
export function sessionIdFromUrl(url: string): string {
  const id = new URL(url).searchParams.get("session_id");
  if (!id?.startsWith("cs_")) throw new Error(`no Checkout Session id in ${url}`);
  return id;
}
