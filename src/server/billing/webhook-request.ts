/**
 * The Stripe webhook endpoint's logic (the Next route only wires it up): bounded raw body,
 * signature check, then handleStripeEvent. Nothing is written before the signature verifies.
 */
import Stripe from "stripe";

import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { handleStripeEvent } from "./handle-stripe-event";
import type { Pack } from "./packs";

/** Stripe's payloads are a few KiB; anything near this is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface WebhookDeps {
  db: Db;
  /** Undefined when billing is not configured: answer 503 so Stripe retries once it is. */
  webhookSecret: string | undefined;
  toleranceSeconds?: number;
  packs?: Pack[];
  /** The Stripe client: what an event claims is checked against Stripe's own record. */
  stripe: () => Stripe;
  /** The configured key's mode (sk_live_ → true); events of the other mode are refused. */
  livemode: boolean;
}

/**
 * A small JSON answer, no-transform: Next's compression would otherwise gzip even a 30-byte body
 * (Next drops a route's Content-Length, so the size threshold never applies), one zlib stream per
 * answer: a measurable share of a webhook storm's CPU.
 */
function json(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store, no-transform" } });
}

/** Reads at most `max` bytes; null when the body is larger (stops reading at once). */
async function readBounded(req: Request, max: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function looksLikeEvent(event: unknown): event is Stripe.Event {
  const e = event as Partial<Stripe.Event> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.id === "string" &&
    e.id.length <= 255 &&
    typeof e.type === "string" &&
    typeof e.data === "object" &&
    e.data !== null &&
    typeof e.data.object === "object" &&
    e.data.object !== null
  );
}

/** PostgreSQL text cannot hold NUL: a payload with one anywhere could only fail later, as a 500 retried for days. */
function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === "object")
    return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v));
  return false;
}

export async function handleWebhookRequest(req: Request, deps: WebhookDeps): Promise<Response> {
  if (!deps.webhookSecret) {
    logEvent("stripe_webhook_rejected", { reason: "not_configured" }, "error");
    return json(503, { error: "billing_not_configured" });
  }
  const body = await readBounded(req, MAX_WEBHOOK_BYTES);
  if (body === null) {
    logEvent("stripe_webhook_rejected", { reason: "payload_too_large" }, "warn");
    return json(413, { error: "payload_too_large" });
  }
  const signature = req.headers.get("stripe-signature");
  if (!signature) {
    logEvent("stripe_webhook_rejected", { reason: "missing_signature" }, "warn");
    return json(400, { error: "missing_signature" });
  }

  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      body,
      signature,
      deps.webhookSecret,
      deps.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS,
    );
  } catch (error) {
    const reason =
      error instanceof Stripe.errors.StripeSignatureVerificationError ? "invalid_signature" : "invalid_payload";
    logEvent("stripe_webhook_rejected", { reason }, "warn");
    return json(400, { error: reason });
  }
  if (!looksLikeEvent(event) || containsNul(event)) {
    logEvent("stripe_webhook_rejected", { reason: "invalid_payload" }, "warn");
    return json(400, { error: "invalid_payload" });
  }

  try {
    const result = await handleStripeEvent(deps.db, event, {
      packs: deps.packs,
      stripe: deps.stripe,
      livemode: deps.livemode,
    });
    return json(200, { received: true, outcome: result.outcome });
  } catch (error) {
    logEvent("stripe_webhook_failed", { eventId: event.id, type: event.type, error: (error as Error).name }, "error");
    return json(500, { error: "processing_failed" });
  }
}
