import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import Stripe from "stripe";

import { startStripeEmulator, type EmulatorOptions, type PriceConfig } from "../src/index";

export const SECRET = "whsec_emulator_test_secret";
export const PRICES: PriceConfig[] = [
  { id: "price_starter", unitAmount: 500, currency: "usd", productName: "Starter pack" },
  { id: "price_pro", unitAmount: 1500, currency: "usd", productName: "Pro pack" },
];

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; data: { object: Record<string, unknown> } };
}

/** A local endpoint that records deliveries and answers with `respond(n)` (n = 1-based request count). */
export async function startReceiver(respond: (n: number, body: string) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, event: JSON.parse(body) as ReceivedWebhook["event"] });
      count += 1;
      res.writeHead(respond(count, body), { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received,
    ofType: (type: string) => received.filter((r) => r.event.type === type),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export const sdkFor = (port: number, key = "sk_test_tally_emulator") =>
  new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0, telemetry: false });

/** An emulator with the official SDK pointed at it and, unless disabled, a webhook receiver. */
export async function startRig(options: Partial<EmulatorOptions> & { receiver?: Receiver | null } = {}) {
  const receiver = options.receiver === undefined ? await startReceiver() : options.receiver;
  const emulator = await startStripeEmulator({
    port: 0,
    webhookSecret: SECRET,
    prices: PRICES,
    retryDelaysMs: [10, 20],
    ...(receiver ? { webhookUrl: receiver.url } : {}),
    ...options,
  });
  const stripe = sdkFor(emulator.port);
  async function control<T = Record<string, unknown>>(
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${emulator.url}${pathname}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  async function newSession(params: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
    return stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: "price_pro", quantity: 1 }],
      success_url: "http://app.test/billing?success=1&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/billing?canceled=1",
      client_reference_id: "user_1",
      metadata: { userId: "user_1", packId: "pro", credits: "200000" },
      ...params,
    });
  }
  return {
    emulator,
    stripe,
    receiver,
    control,
    newSession,
    async close() {
      await emulator.close();
      await receiver?.close();
    },
  };
}
export type Rig = Awaited<ReturnType<typeof startRig>>;

export async function waitFor<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
