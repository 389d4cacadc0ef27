import { getStripe, handleWebhookRequest, stripeSettingsFrom } from "~/server/billing";
import { db } from "~/server/db";
import { processDrain } from "~/server/shutdown/drain";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function settings(): { webhookSecret: string | undefined; livemode: boolean } {
  try {
    const { webhookSecret, mode } = stripeSettingsFrom();
    return { webhookSecret, livemode: mode === "live" };
  } catch {
    return { webhookSecret: undefined, livemode: false }; // production without Stripe keys: answered with 503
  }
}

/**
 * Stripe → app. Verified against the raw body; see src/server/billing/webhook-request.ts.
 * A shutting-down server still answers webhooks and finishes each before it exits.
 */
export async function POST(req: Request): Promise<Response> {
  return processDrain().track(handleWebhookRequest(req, { db, ...settings(), stripe: getStripe }));
}
