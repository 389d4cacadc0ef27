import type { AddressInfo } from "node:net";

import type { EmulatorContext } from "./context";
import type { PriceConfig } from "./objects";
import { expireIfDue } from "./payments";
import { createEmulatorServer } from "./server";
import { Store } from "./store";
import { WebhookDispatcher } from "./webhooks";

export { API_VERSION } from "./context";
export type { PriceConfig } from "./objects";
export type { DeliveryAttempt } from "./store";
export { signWebhookPayload } from "./webhooks";

export interface EmulatorOptions {
  /** 0 = random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base for hosted page URLs; default http://<host>:<port>. */
  publicUrl?: string;
  /** Where events are POSTed; none → events are only stored. */
  webhookUrl?: string;
  /** whsec_… used to sign deliveries. */
  webhookSecret: string;
  /** Default: the three packs from the environment (see defaultPricesFromEnv). */
  prices?: PriceConfig[];
  /** Optional JSON persistence (dev): loaded on start, saved on change. */
  stateFile?: string;
  /** Webhook retry backoff on non-2xx / network error. Default [1000, 5000, 30000, 120000]. */
  retryDelaysMs?: number[];
  /** Shown on the hosted page ("Pay Tally"). */
  businessName?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

const intFromEnv = (value: string | undefined, fallback: number) => {
  const parsed = Number(value);
  return value && Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
};

/** The app's three packs, configured by the same variables the app reads. */
export function defaultPricesFromEnv(env: Record<string, string | undefined> = process.env): PriceConfig[] {
  const currency = (env.BILLING_CURRENCY ?? "usd").toLowerCase();
  return [
    {
      id: env.STRIPE_PRICE_STARTER ?? "price_starter",
      unitAmount: intFromEnv(env.PRICE_STARTER_CENTS, 500),
      currency,
      productName: "Starter pack",
    },
    {
      id: env.STRIPE_PRICE_PRO ?? "price_pro",
      unitAmount: intFromEnv(env.PRICE_PRO_CENTS, 1500),
      currency,
      productName: "Pro pack",
    },
    {
      id: env.STRIPE_PRICE_ENTERPRISE ?? "price_enterprise",
      unitAmount: intFromEnv(env.PRICE_ENTERPRISE_CENTS, 5000),
      currency,
      productName: "Enterprise pack",
    },
  ];
}

const EXPIRY_SWEEP_MS = 60_000;
const MAX_RECORDED_DELIVERIES = 5000;

export async function startStripeEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const host = opts.host ?? "127.0.0.1";
  const store = new Store(opts.stateFile);
  const webhooks = new WebhookDispatcher({
    url: opts.webhookUrl,
    secret: opts.webhookSecret,
    retryDelaysMs: opts.retryDelaysMs ?? [1000, 5000, 30000, 120000],
    record: (attempt) => {
      store.state.deliveries.push(attempt);
      // A long dev session must not grow the state file without bound.
      if (store.state.deliveries.length > MAX_RECORDED_DELIVERIES)
        store.state.deliveries.splice(0, store.state.deliveries.length - MAX_RECORDED_DELIVERIES);
      store.save();
    },
    settled: (eventId, delivered) => {
      const event = store.state.events[eventId];
      if (event && delivered) event.pending_webhooks = 0;
      store.save();
    },
  });
  const ctx: EmulatorContext = {
    store,
    prices: new Map((opts.prices ?? defaultPricesFromEnv()).map((price) => [price.id, price])),
    publicUrl: "",
    businessName: opts.businessName ?? "Tally",
    webhooks,
  };
  const server = createEmulatorServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  ctx.publicUrl = (opts.publicUrl ?? url).replace(/\/$/, "");

  // Sessions also expire lazily on every read; the sweep makes `checkout.session.expired` arrive unprompted.
  const sweep = setInterval(() => {
    for (const session of Object.values(store.state.sessions)) expireIfDue(ctx, session);
  }, EXPIRY_SWEEP_MS);
  sweep.unref();

  return {
    url,
    port,
    async close() {
      clearInterval(sweep);
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.save();
    },
  };
}
