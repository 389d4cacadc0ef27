/**
 * Runs the billing flow against the bundled Stripe emulator: the official SDK talks to it over
 * HTTP, and the emulator's signed webhooks reach the app's webhook logic through a tiny local
 * server bound to the suite's test database.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";

import {
  createStripeClient,
  EMULATOR_SECRET_KEY,
  handleWebhookRequest,
  setStripeClientForTests,
} from "~/server/billing";
import type { Db } from "~/server/db";
import { databaseStore } from "~/server/rate-limit";

import { createTestDb, type TestDb, type TestDbKind } from "../helpers/test-db";

import { startStripeEmulator } from "../../tools/stripe-emulator/src/index";
import { SECRET } from "./stripe-fixtures";

function webhookForwarder(db: () => Db, stripe: () => Stripe): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
        method: "POST",
        headers,
        body: Buffer.concat(chunks),
      });
      void handleWebhookRequest(request, { db: db(), webhookSecret: SECRET, stripe, livemode: false }).then(
        async (response) => {
          res.writeHead(response.status, { "content-type": "application/json" });
          res.end(await response.text());
        },
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook` }),
    );
  });
}

export interface EmulatorRig {
  url: string;
  stripe: Stripe;
  /** Test-only control endpoints (pay, deliver, dispute…). */
  control<T = unknown>(pathname: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** An emulator instance; with `webhooks: false` no event ever reaches the app (the "lost webhook" case). */
export async function startRig(db: () => Db, opts: { webhooks: boolean }): Promise<EmulatorRig> {
  // The forwarder needs the client, which needs the emulator's URL: hand it over once both exist.
  const client: { stripe?: Stripe } = {};
  const forwarder = opts.webhooks ? await webhookForwarder(db, () => client.stripe!) : null;
  const emulator = await startStripeEmulator({
    port: 0,
    webhookSecret: SECRET,
    ...(forwarder ? { webhookUrl: forwarder.url } : {}),
    retryDelaysMs: [10, 20],
  });
  const stripe = (client.stripe = createStripeClient({ secretKey: EMULATOR_SECRET_KEY, apiUrl: emulator.url }));
  return {
    url: emulator.url,
    stripe,
    async control<T>(pathname: string, body?: unknown) {
      const res = await fetch(`${emulator.url}${pathname}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async close() {
      await emulator.close();
      await new Promise<void>((resolve) => (forwarder ? forwarder.server.close(() => resolve()) : resolve()));
    },
  };
}

const globalLimits = globalThis as unknown as { tallyRateLimitStore?: unknown };

export interface EmulatorSuite {
  /** Set once the suite's beforeAll has run. */
  t: TestDb;
  rig: EmulatorRig;
}

/**
 * A describe block's setup: a fresh database of `kind`, an emulator rig, and the app's Stripe
 * client and rate-limit store (which billing.checkout uses) pointed at them; undone afterwards.
 */
export function useEmulatorSuite(kind: TestDbKind, opts: { webhooks: boolean; poolSize?: number }): EmulatorSuite {
  const suite = {} as EmulatorSuite;
  beforeAll(async () => {
    suite.t = await createTestDb(kind, opts.poolSize ? { poolSize: opts.poolSize } : {});
    globalLimits.tallyRateLimitStore = databaseStore(suite.t.db);
    suite.rig = await startRig(() => suite.t.db, { webhooks: opts.webhooks });
    setStripeClientForTests(suite.rig.stripe, suite.rig.url);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    delete globalLimits.tallyRateLimitStore;
    await suite.rig?.close();
    await suite.t?.close();
  });
  return suite;
}
