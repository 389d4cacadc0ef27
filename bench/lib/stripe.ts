import Stripe from "stripe";

import { startStripeEmulator } from "../../tools/stripe-emulator/src/index";

import { BENCH_WEBHOOK_SECRET } from "./server";

/**
 * The Stripe the bench server talks to: the bundled emulator, in the harness process, with no
 * webhook URL (the webhook storm signs and sends its own deliveries). The app checks every
 * completed session against Stripe, so the sessions the storm delivers are real ones here.
 */
export interface BenchStripe {
  url: string;
  sdk: Stripe;
  /** POSTs to a test-only control endpoint (e.g. pay a session); throws on a non-2xx answer. */
  control(pathname: string, body?: unknown): Promise<void>;
  close(): Promise<void>;
}

export const BENCH_STRIPE_KEY = "sk_test_tally_bench";

export async function startBenchStripe(): Promise<BenchStripe> {
  const emulator = await startStripeEmulator({ port: 0, webhookSecret: BENCH_WEBHOOK_SECRET });
  const sdk = new Stripe(BENCH_STRIPE_KEY, {
    host: "127.0.0.1",
    port: emulator.port,
    protocol: "http",
    maxNetworkRetries: 2,
  });
  return {
    url: emulator.url,
    sdk,
    async control(pathname, body = {}) {
      const res = await fetch(`${emulator.url}${pathname}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`emulator ${pathname} → ${res.status} ${await res.text()}`);
    },
    close: () => emulator.close(),
  };
}
