/**
 * The one Stripe client. Real Stripe when STRIPE_SECRET_KEY is set; otherwise (outside
 * production) the bundled emulator, reached through the SDK's own host/port/protocol options
 * so the billing code is identical for both. Created on first use, never at import.
 */
import Stripe from "stripe";

import { env } from "~/env";
import { logEvent } from "~/server/log";

import { BillingNotConfiguredError } from "./errors";

export const EMULATOR_SECRET_KEY = "sk_test_tally_emulator";
export const EMULATOR_WEBHOOK_SECRET = "whsec_tally_local_emulator_secret";
export const EMULATOR_API_URL = "http://127.0.0.1:12111";

export type StripeMode = "emulator" | "test" | "live";

export interface StripeSettings {
  mode: StripeMode;
  secretKey: string;
  /** Undefined when a real key is configured without a signing secret: the webhook then refuses. */
  webhookSecret: string | undefined;
  /** Set when the SDK must talk to something other than api.stripe.com (the emulator). */
  apiUrl: string | undefined;
}

export type StripeEnv = Pick<typeof env, "NODE_ENV" | "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_API_URL">;

export function stripeSettingsFrom(source: StripeEnv = env): StripeSettings {
  const key = source.STRIPE_SECRET_KEY;
  if (key) {
    return {
      mode: key.startsWith("sk_live_") || key.startsWith("rk_live_") ? "live" : "test",
      secretKey: key,
      webhookSecret: source.STRIPE_WEBHOOK_SECRET,
      apiUrl: source.STRIPE_API_URL,
    };
  }
  // The emulator is a development tool: production without a key must fail loudly, not fake payments.
  if (source.NODE_ENV === "production") throw new BillingNotConfiguredError();
  return {
    mode: "emulator",
    secretKey: EMULATOR_SECRET_KEY,
    webhookSecret: source.STRIPE_WEBHOOK_SECRET ?? EMULATOR_WEBHOOK_SECRET,
    apiUrl: source.STRIPE_API_URL ?? EMULATOR_API_URL,
  };
}

export function createStripeClient(settings: Pick<StripeSettings, "secretKey" | "apiUrl">): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 2, appInfo: { name: "tally" } };
  if (settings.apiUrl) {
    const url = new URL(settings.apiUrl);
    const protocol = url.protocol === "https:" ? "https" : "http";
    config.host = url.hostname;
    config.port = url.port || (protocol === "https" ? 443 : 80);
    config.protocol = protocol;
  }
  return new Stripe(settings.secretKey, config);
}

const globalForStripe = globalThis as unknown as {
  tallyStripe?: Stripe;
  tallyStripeOverride?: Stripe | null;
  tallyStripeOverrideApiUrl?: string | null;
  tallyStripeNotConfiguredReported?: boolean;
};

/**
 * The app's Stripe client. In production without a key it throws BillingNotConfiguredError (the
 * user is told purchases are unavailable) and the operator gets one log line per process saying what to set.
 */
export function getStripe(source: StripeEnv = env): Stripe {
  if (globalForStripe.tallyStripeOverride) return globalForStripe.tallyStripeOverride;
  if (!globalForStripe.tallyStripe) {
    try {
      globalForStripe.tallyStripe = createStripeClient(stripeSettingsFrom(source));
    } catch (error) {
      if (error instanceof BillingNotConfiguredError) reportNotConfiguredOnce();
      throw error;
    }
  }
  return globalForStripe.tallyStripe;
}

function reportNotConfiguredOnce(): void {
  if (globalForStripe.tallyStripeNotConfiguredReported) return;
  globalForStripe.tallyStripeNotConfiguredReported = true;
  logEvent(
    "billing_not_configured",
    {
      missing: "STRIPE_SECRET_KEY",
      fix: "Set STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET) and restart: until then every purchase is refused.",
    },
    "error",
  );
}

/**
 * Tests point the app at their own emulator instance (at `apiUrl`, whose origin then serves the receipt
 * links the app accepts); null restores the configured client.
 */
export function setStripeClientForTests(client: Stripe | null, apiUrl: string | null = null): void {
  globalForStripe.tallyStripeOverride = client;
  globalForStripe.tallyStripeOverrideApiUrl = client ? apiUrl : null;
}

/** The API URL of the client tests set, if any (see setStripeClientForTests). */
export function stripeApiUrlForTests(): string | null {
  return globalForStripe.tallyStripeOverride ? (globalForStripe.tallyStripeOverrideApiUrl ?? null) : null;
}
