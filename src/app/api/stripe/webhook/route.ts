import { getStripe, handleWebhookRequest, stripeSettingsFrom } from "~/server/billing";
import { db } from "~/server/db";
import { processDrain } from "~/server/shutdown/drain";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function webhookSecret(): string | undefined {
  try {
    return stripeSettingsFrom().webhookSecret;
  } catch {
    return undefined; // production without Stripe keys: answered with 503
  }
}

/**
 * Stripe → app. Verified against the raw body; see src/server/billing/webhook-request.ts.
 * A shutting-down server still answers webhooks and finishes each before it exits.
 */
export async function POST(req: Request): Promise<Response> {
  return processDrain().track(handleWebhookRequest(req, { db, webhookSecret: webhookSecret(), stripe: getStripe }));
}
