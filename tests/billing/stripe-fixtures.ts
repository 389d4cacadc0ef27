/**
 * Stripe-shaped objects and signed webhook requests for the billing suites, and `stripeBook`: an
 * in-memory stand-in for Stripe's records (the emulator suites run the real SDK instead). A
 * session or dispute made here is one Stripe knows; `stripeBook.forget` makes it a forgery.
 */
import { randomBytes } from "node:crypto";

import Stripe from "stripe";

import { findPack, handleWebhookRequest, type PackId, type VerifiedCheckoutSession } from "~/server/billing";
import type { Db } from "~/server/db";

export const SECRET = "whsec_billing_suite_secret";

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

function missing(kind: string, id: string): Stripe.errors.StripeInvalidRequestError {
  return new Stripe.errors.StripeInvalidRequestError({
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    statusCode: 404,
  });
}

/** What Stripe would answer for the sessions and disputes the fixtures created (retrieve, list by payment intent). */
export class StripeBook {
  readonly sessions = new Map<string, VerifiedCheckoutSession>();
  readonly disputes = new Map<string, Stripe.Dispute>();
  readonly charges = new Map<string, Stripe.Charge>();

  record<T extends { id: string; object?: string }>(object: T): T {
    if (object.object === "dispute") this.disputes.set(object.id, structuredClone(object) as unknown as Stripe.Dispute);
    else if (object.object === "charge")
      this.charges.set(object.id, structuredClone(object) as unknown as Stripe.Charge);
    else this.sessions.set(object.id, structuredClone(object) as unknown as VerifiedCheckoutSession);
    return object;
  }

  forget(id: string): void {
    this.sessions.delete(id);
    this.disputes.delete(id);
    this.charges.delete(id);
  }

  readonly client = {
    checkout: {
      sessions: {
        retrieve: async (id: string) => {
          const session = this.sessions.get(id);
          if (!session) throw missing("checkout.session", id);
          return structuredClone(session);
        },
        list: async (params: { payment_intent?: string }) => ({
          object: "list",
          has_more: false,
          data: [...this.sessions.values()]
            .filter((s) => !params.payment_intent || s.payment_intent === params.payment_intent)
            .map((s) => structuredClone(s)),
        }),
      },
    },
    charges: {
      retrieve: async (id: string) => {
        const charge = this.charges.get(id);
        if (!charge) throw missing("charge", id);
        return structuredClone(charge);
      },
    },
    disputes: {
      retrieve: async (id: string) => {
        const dispute = this.disputes.get(id);
        if (!dispute) throw missing("dispute", id);
        return structuredClone(dispute);
      },
    },
  } as unknown as Stripe;
}

export const stripeBook = new StripeBook();

/** A Checkout Session as Stripe returns it (with line_items), recorded in `stripeBook`. */
export function checkoutSession(
  userId: string,
  packId: PackId = "starter",
  overrides: Partial<Stripe.Checkout.Session> & { metadata?: Record<string, string> } = {},
): VerifiedCheckoutSession {
  const pack = findPack(packId)!;
  const session = {
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
    livemode: false,
    line_items: {
      object: "list",
      has_more: false,
      url: "/v1/checkout/sessions/cs/line_items",
      data: [
        {
          id: rid("li"),
          object: "item",
          quantity: 1,
          amount_total: pack.unitAmount,
          currency: pack.currency,
          price: { id: pack.priceId, object: "price", unit_amount: pack.unitAmount },
        },
      ],
    },
    ...overrides,
  } as unknown as VerifiedCheckoutSession;
  return stripeBook.record(session);
}

/** The pending Purchase row billing.checkout writes when it opens `session` (from what it sold). */
export async function recordCheckout(db: Db, session: Stripe.Checkout.Session, packId?: PackId): Promise<void> {
  const pack = findPack(packId ?? session.metadata?.packId)!;
  await db.purchase.create({
    data: {
      id: session.id,
      userId: session.client_reference_id!,
      packId: pack.id,
      credits: pack.credits,
      amountTotal: pack.unitAmount,
      currency: pack.currency,
    },
  });
}

/** A session Stripe knows and billing.checkout recorded as pending: the honest purchase. */
export async function soldSession(
  db: Db,
  userId: string,
  packId: PackId = "starter",
  overrides: Partial<Stripe.Checkout.Session> & { metadata?: Record<string, string> } = {},
): Promise<VerifiedCheckoutSession> {
  const session = checkoutSession(userId, packId, overrides);
  await recordCheckout(db, session, packId);
  return session;
}

/** A charge in Stripe's record (`stripeBook`), as it stands after `amountRefunded` was refunded. */
export function charge(paymentIntentId: string, amount: number, amountRefunded: number, id = rid("ch")): Stripe.Charge {
  return stripeBook.record({
    id,
    object: "charge",
    amount,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= amount,
    currency: "usd",
    payment_intent: paymentIntentId,
  } as unknown as Stripe.Charge);
}

/** A dispute in Stripe's record (`stripeBook`); record it again with another status to move it on. */
export function dispute(
  paymentIntentId: string,
  id = rid("dp"),
  status: Stripe.Dispute.Status = "needs_response",
): Stripe.Dispute {
  return stripeBook.record({
    id,
    object: "dispute",
    amount: 500,
    charge: rid("ch"),
    payment_intent: paymentIntentId,
    status,
    livemode: false,
  } as unknown as Stripe.Dispute);
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

export function signedRequest(
  payload: string,
  opts: { secret?: string; timestamp?: number; header?: string | null } = {},
): Request {
  const header =
    opts.header === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: opts.secret ?? SECRET,
          ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
        })
      : opts.header;
  const headers = new Headers({ "content-type": "application/json" });
  if (header !== null) headers.set("stripe-signature", header);
  return new Request("http://localhost/api/stripe/webhook", { method: "POST", body: payload, headers });
}

/** Delivers an event the way Stripe does (signed JSON over the webhook logic, Stripe = `stripeBook`); returns status and body. */
export async function deliver(
  db: Db,
  event: Stripe.Event,
  opts: { stripe?: Stripe; livemode?: boolean } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const stripe = opts.stripe ?? stripeBook.client;
  const res = await handleWebhookRequest(signedRequest(JSON.stringify(event)), {
    db,
    webhookSecret: SECRET,
    stripe: () => stripe,
    livemode: opts.livemode ?? false,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
