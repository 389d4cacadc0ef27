import { describe, expect, it } from "vitest";

import {
  BillingNotConfiguredError,
  billingProducts,
  createStripeClient,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
  stripeSettingsFrom,
} from "~/server/billing";
import { packsFrom } from "~/server/billing/packs";

const base = {
  NODE_ENV: "development" as const,
  STRIPE_SECRET_KEY: undefined,
  STRIPE_WEBHOOK_SECRET: undefined,
  STRIPE_API_URL: undefined,
};

describe("Stripe settings", () => {
  it("no key outside production → the local emulator with its default key, URL and signing secret", () => {
    expect(stripeSettingsFrom(base)).toEqual({
      mode: "emulator",
      secretKey: EMULATOR_SECRET_KEY,
      webhookSecret: EMULATOR_WEBHOOK_SECRET,
      apiUrl: "http://127.0.0.1:12111",
    });
    expect(
      stripeSettingsFrom({ ...base, STRIPE_API_URL: "http://127.0.0.1:4000", STRIPE_WEBHOOK_SECRET: "whsec_x" }),
    ).toMatchObject({
      apiUrl: "http://127.0.0.1:4000",
      webhookSecret: "whsec_x",
    });
  });

  it("real keys → test or live mode, never the emulator's signing secret", () => {
    expect(stripeSettingsFrom({ ...base, STRIPE_SECRET_KEY: "sk_test_123" })).toEqual({
      mode: "test",
      secretKey: "sk_test_123",
      webhookSecret: undefined,
      apiUrl: undefined,
    });
    expect(
      stripeSettingsFrom({
        ...base,
        NODE_ENV: "production",
        STRIPE_SECRET_KEY: "sk_live_123",
        STRIPE_WEBHOOK_SECRET: "whsec_live",
      }),
    ).toMatchObject({
      mode: "live",
      webhookSecret: "whsec_live",
    });
  });

  it("production without a key → a typed billing_not_configured error (PRECONDITION_FAILED), not a crash", () => {
    const prod = { ...base, NODE_ENV: "production" as const };
    expect(() => stripeSettingsFrom(prod)).toThrow(BillingNotConfiguredError);
    expect(() => stripeSettingsFrom(prod)).toThrow(
      expect.objectContaining({ code: "billing_not_configured", trpcCode: "PRECONDITION_FAILED" }),
    );
    // The packs still render (every page's header asks for them); checkout is what refuses.
    const { mode, products } = billingProducts({ ...prod, ...packEnv() });
    expect(mode).toBe("unavailable");
    expect(products.map((p) => p.id)).toEqual(["starter", "pro", "enterprise"]);
  });

  it("the SDK is pointed at the emulator through host/port/protocol", async () => {
    const stripe = createStripeClient({ secretKey: EMULATOR_SECRET_KEY, apiUrl: "http://127.0.0.1:1" });
    // Nothing listens on port 1: the request must fail with a connection error, proving it never went to api.stripe.com.
    await expect(stripe.customers.create({}, { maxNetworkRetries: 0 })).rejects.toMatchObject({
      type: "StripeConnectionError",
    });
  });
});

function packEnv() {
  return {
    STRIPE_PRICE_STARTER: "price_starter",
    STRIPE_PRICE_PRO: "price_pro",
    STRIPE_PRICE_ENTERPRISE: "price_enterprise",
    PRICE_STARTER_CENTS: 500,
    PRICE_PRO_CENTS: 1500,
    PRICE_ENTERPRISE_CENTS: 5000,
    CREDITS_STARTER: 1,
    CREDITS_PRO: 2,
    CREDITS_ENTERPRISE: 3,
    BILLING_CURRENCY: "eur",
  };
}

describe("packs", () => {
  it("come from config", () => {
    expect(packsFrom(packEnv()).map((p) => [p.id, p.priceId, p.unitAmount, p.currency, p.credits])).toEqual([
      ["starter", "price_starter", 500, "eur", 1],
      ["pro", "price_pro", 1500, "eur", 2],
      ["enterprise", "price_enterprise", 5000, "eur", 3],
    ]);
  });
});
