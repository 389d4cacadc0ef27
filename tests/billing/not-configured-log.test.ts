import { describe, expect, it } from "vitest";

import { BillingNotConfiguredError, getStripe } from "~/server/billing";

import { captureLogs } from "../security/log-capture";

const production = {
  NODE_ENV: "production" as const,
  STRIPE_SECRET_KEY: undefined,
  STRIPE_WEBHOOK_SECRET: "whsec_must_not_be_logged",
  STRIPE_API_URL: undefined,
};

describe("a production server without STRIPE_SECRET_KEY", () => {
  it("refuses every purchase and says what to set in one log line per process, without secrets", async () => {
    const { logs } = await captureLogs(async () => {
      for (let i = 0; i < 3; i++) expect(() => getStripe(production)).toThrow(BillingNotConfiguredError);
    });
    const lines = logs.events.filter((e) => e.msg === "billing_not_configured");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", missing: "STRIPE_SECRET_KEY" });
    expect(String(lines[0]!.fix)).toMatch(/Set STRIPE_SECRET_KEY/);
    expect(logs.raw.join("\n")).not.toContain("whsec_must_not_be_logged");
  });
});
