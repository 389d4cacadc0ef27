import Stripe from "stripe";

import type { packsFrom } from "~/server/billing/packs";

type Pack = ReturnType<typeof packsFrom>[number];

/** A Checkout Session event as Stripe sends it (the app reads the session back from Stripe, so only its id and mode matter). */
export function checkoutEvent(eventId: string, type: string, sessionId: string, userId: string, pack: Pack): string {
  return JSON.stringify({
    id: eventId,
    object: "event",
    type,
    api_version: "2025-01-01",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: sessionId,
        object: "checkout.session",
        mode: "payment",
        payment_status: "paid",
        status: "complete",
        client_reference_id: userId,
        metadata: { userId, packId: pack.id, credits: String(pack.credits) },
        amount_total: pack.unitAmount,
        currency: pack.currency,
        payment_intent: `pi_${sessionId}`,
      },
    },
  });
}

/** POSTs `payload` to the app's webhook route, signed with `secret` as Stripe signs it. */
export function deliverWebhook(
  baseUrl: string,
  payload: string,
  secret: string,
  signal?: AbortSignal,
): Promise<Response> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return fetch(`${baseUrl}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
    signal,
  });
}
