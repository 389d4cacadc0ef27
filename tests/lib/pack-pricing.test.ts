import { describe, expect, it } from "vitest";

import { packPricing } from "~/lib/pack-pricing";

const DEFAULT_PACKS = [
  { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
  { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
  { id: "enterprise", credits: 1_000_000, unitAmount: 5000, currency: "usd" },
];

describe("packPricing", () => {
  it("prices the default packs per 1,000 credits and against the smallest pack", () => {
    expect(
      packPricing(DEFAULT_PACKS).map(({ id, per1000, savingsPercent }) => ({ id, per1000, savingsPercent })),
    ).toEqual([
      { id: "starter", per1000: 0.1, savingsPercent: null },
      { id: "pro", per1000: 0.075, savingsPercent: 25 },
      { id: "enterprise", per1000: 0.05, savingsPercent: 50 },
    ]);
  });

  it("keeps the pack's own fields", () => {
    const [first] = packPricing([{ id: "a", credits: 1000, unitAmount: 100, currency: "eur", extra: 1 }]);
    expect(first).toEqual({
      id: "a",
      credits: 1000,
      unitAmount: 100,
      currency: "eur",
      extra: 1,
      per1000: 1,
      savingsPercent: null,
    });
  });

  it("finds the smallest pack by credits, whatever the order", () => {
    const reversed = packPricing([...DEFAULT_PACKS].reverse());
    expect(Object.fromEntries(reversed.map((p) => [p.id, p.savingsPercent]))).toEqual({
      starter: null,
      pro: 25,
      enterprise: 50,
    });
  });

  it("rounds a saving down, never overstating it", () => {
    // 1 − (1000·3000)/(700·5000) = 1 − 0.857142… = 14.28…% → 14
    const [, big] = packPricing([
      { id: "small", credits: 3000, unitAmount: 700, currency: "usd" },
      { id: "big", credits: 5000, unitAmount: 1000, currency: "usd" },
    ]);
    expect(big!.savingsPercent).toBe(14);
    // 2/3 of a cent per 1,000 credits, shown to 1/10,000 of a cent
    expect(packPricing([{ id: "x", credits: 3000, unitAmount: 2, currency: "usd" }])[0]!.per1000).toBe(0.006667);
  });

  it("shows no saving for a pack that costs more per credit, or one in another currency", () => {
    const priced = packPricing([
      { id: "small", credits: 1000, unitAmount: 100, currency: "usd" },
      { id: "worse", credits: 2000, unitAmount: 300, currency: "usd" },
      { id: "same", credits: 2000, unitAmount: 200, currency: "usd" },
      { id: "yen", credits: 5000, unitAmount: 100, currency: "jpy" },
    ]);
    expect(priced.map((p) => p.savingsPercent)).toEqual([null, null, null, null]);
  });

  it("uses major units of zero-decimal currencies as they are", () => {
    expect(packPricing([{ id: "yen", credits: 10_000, unitAmount: 1500, currency: "JPY" }])[0]!.per1000).toBe(150);
  });

  it("handles an empty list", () => {
    expect(packPricing([])).toEqual([]);
  });

  it("refuses a pack without credits or with a non-integer price, with a clear error", () => {
    expect(() => packPricing([{ id: "zero", credits: 0, unitAmount: 100, currency: "usd" }])).toThrow(
      /zero: credits must be a positive integer/,
    );
    expect(() => packPricing([{ id: "frac", credits: 10, unitAmount: 1.5, currency: "usd" }])).toThrow(
      /frac: the price must be a non-negative integer/,
    );
    expect(() => packPricing([{ id: "neg", credits: 10, unitAmount: -1, currency: "usd" }])).toThrow(RangeError);
  });
});
