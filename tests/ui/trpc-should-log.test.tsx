import { describe, expect, it } from "vitest";

import { shouldLog } from "~/trpc/should-log";

import { trpcError } from "./helpers/render-app";

describe("tRPC console logging", () => {
  it("never logs a PAYMENT_REQUIRED refusal, in production or development (the paywall answers it)", () => {
    const paywall = { direction: "down" as const, result: trpcError("PAYMENT_REQUIRED", 402) };
    expect(shouldLog(paywall, false)).toBe(false);
    expect(shouldLog(paywall, true)).toBe(false);
  });

  it("still logs real failures in production and everything in development", () => {
    expect(shouldLog({ direction: "down", result: trpcError("INTERNAL_SERVER_ERROR", 500) }, false)).toBe(true);
    expect(shouldLog({ direction: "down", result: trpcError("TOO_MANY_REQUESTS", 429) }, false)).toBe(true);
    expect(shouldLog({ direction: "down", result: { result: { type: "data", data: 1 } } }, false)).toBe(false);
    expect(shouldLog({ direction: "up" }, false)).toBe(false);
    expect(shouldLog({ direction: "up" }, true)).toBe(true);
    expect(shouldLog({ direction: "down", result: { result: { type: "data", data: 1 } } }, true)).toBe(true);
  });
});
