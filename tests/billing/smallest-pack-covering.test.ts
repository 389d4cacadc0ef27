import { describe, expect, it } from "vitest";

import { asCreditShortfall, missingCredits } from "~/lib/credit-shortfall";
import { smallestPackCovering } from "~/lib/packs";

const starter = { id: "starter", credits: 50_000 };
const pro = { id: "pro", credits: 200_000 };
const enterprise = { id: "enterprise", credits: 1_000_000 };
const packs = [starter, pro, enterprise] as const;

describe("smallestPackCovering", () => {
  it("picks the pack with the fewest credits that still holds what is needed", () => {
    expect(smallestPackCovering(packs, 1)).toBe(starter);
    expect(smallestPackCovering(packs, 49_999)).toBe(starter);
    expect(smallestPackCovering(packs, 50_001)).toBe(pro);
    expect(smallestPackCovering(packs, 999_999)).toBe(enterprise);
  });

  it("an exact fit covers", () => {
    expect(smallestPackCovering(packs, 50_000)).toBe(starter);
    expect(smallestPackCovering(packs, 200_000)).toBe(pro);
    expect(smallestPackCovering(packs, 1_000_000)).toBe(enterprise);
  });

  it("undefined when no pack holds enough, or there are no packs", () => {
    expect(smallestPackCovering(packs, 1_000_001)).toBeUndefined();
    expect(smallestPackCovering([], 1)).toBeUndefined();
  });

  it("does not depend on the order of the list", () => {
    const shuffled = [enterprise, starter, pro];
    expect(smallestPackCovering(shuffled, 10)).toBe(starter);
    expect(smallestPackCovering(shuffled, 60_000)).toBe(pro);
    expect(smallestPackCovering([pro, enterprise, starter], 200_000)).toBe(pro);
    expect(smallestPackCovering([enterprise, pro], 1)).toBe(pro);
  });

  it("nothing needed: the smallest pack; the input is not changed", () => {
    const list = [pro, starter];
    expect(smallestPackCovering(list, 0)).toBe(starter);
    expect(list).toEqual([pro, starter]);
  });
});

describe("the shortfall a PAYMENT_REQUIRED error carries", () => {
  it("is read only when every number is a safe integer", () => {
    const ok = { needed: 410, spendable: 50, held: 0, balance: 50 };
    expect(asCreditShortfall(ok)).toEqual(ok);
    expect(asCreditShortfall({ ...ok, extra: "x" })).toEqual(ok);
    expect(asCreditShortfall(null)).toBeNull();
    expect(asCreditShortfall("410")).toBeNull();
    expect(asCreditShortfall({ ...ok, held: undefined })).toBeNull();
    expect(asCreditShortfall({ ...ok, needed: "410" })).toBeNull();
    expect(asCreditShortfall({ ...ok, spendable: 1.5 })).toBeNull();
    expect(asCreditShortfall({ ...ok, balance: Number.NaN })).toBeNull();
  });

  it("what is missing is needed − spendable, never negative", () => {
    expect(missingCredits({ needed: 410, spendable: 50, held: 1200, balance: 1250 })).toBe(360);
    expect(missingCredits({ needed: 10, spendable: 50, held: 0, balance: 50 })).toBe(0);
  });
});
