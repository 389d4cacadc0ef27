/** Stripe-shaped objects and signed webhook requests for the billing suites. */
import { randomBytes } from "node:crypto";

import Stripe from "stripe";

import { findPack, handleWebhookRequest, type PackId } from "~/server/billing";
import type { Db } from "~/server/db";

export const SECRET = "whsec_billing_suite_secret";

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

export function checkoutSession(
  userId: string,
  packId: PackId = "starter",
  overrides: Partial<Stripe.Checkout.Session> & { metadata?: Record<string, string> } = {},
): Stripe.Checkout.Session {
  const pack = findPack(packId)!;
  return {
    id: rid("cs_test"),
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    client_reference_id: userId,
    metadata: { userId, packId, credits: String(pack.credits) },
    amount_total: pack.unitAmount,
    currency: pack.currency,
    payment_intent: rid("pi"),
    customer: null,
    url: null,
    created: Math.floor(Date.now() / 1000),
    ...overrides,
  } as unknown as Stripe.Checkout.Session;
}

export function charge(paymentIntentId: string, amount: number, amountRefunded: number, id = rid("ch")): Stripe.Charge {
  return {
    id,
    object: "charge",
    amount,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= amount,
    currency: "usd",
    payment_intent: paymentIntentId,
  } as unknown as Stripe.Charge;
}

export function dispute(paymentIntentId: string, id = rid("dp")): Stripe.Dispute {
  return { id, object: "dispute", amount: 500, charge: rid("ch"), payment_intent: paymentIntentId, status: "needs_response" } as unknown as Stripe.Dispute;
}

export function stripeEvent(type: string, object: unknown, id = rid("evt")): Stripe.Event {
  return {
    id,
    object: "event",
    type,
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  } as unknown as Stripe.Event;
}

export function signedRequest(payload: string, opts: { secret?: string; timestamp?: number; header?: string | null } = {}): Request {
  const header =
    opts.header === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) })
      : opts.header;
  const headers = new Headers({ "content-type": "application/json" });
  if (header !== null) headers.set("stripe-signature", header);
  return new Request("http://localhost/api/stripe/webhook", { method: "POST", body: payload, headers });
}

/** Delivers an event the way Stripe does (signed JSON over the webhook logic); returns status and body. */
export async function deliver(db: Db, event: Stripe.Event): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handleWebhookRequest(signedRequest(JSON.stringify(event)), { db, webhookSecret: SECRET });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
