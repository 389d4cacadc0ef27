import { describe, expect, it } from "vitest";

import type { PurchaseStatus } from "~/generated/prisma/client";
import { canMovePurchase, statusesMovingTo } from "~/server/billing";

describe("purchase status transitions", () => {
  it.each([
    ["pending", "paid"],
    ["pending", "failed"],
    ["pending", "expired"],
    ["pending", "canceled"],
    ["failed", "paid"],
    ["paid", "partially_refunded"],
    ["partially_refunded", "refunded"],
    ["paid", "disputed"],
    ["refunded", "disputed"],
    ["disputed", "dispute_won"],
    ["disputed", "dispute_lost"],
    ["paid", "dispute_won"],
    ["dispute_won", "refunded"],
  ] as [PurchaseStatus, PurchaseStatus][])("%s → %s is allowed", (from, to) => {
    expect(canMovePurchase(from, to)).toBe(true);
  });

  it.each([
    ["refunded", "paid"],
    ["disputed", "paid"],
    ["disputed", "refunded"],
    ["dispute_lost", "dispute_won"],
    ["dispute_won", "disputed"],
    ["dispute_lost", "paid"],
    ["paid", "pending"],
    ["paid", "failed"],
    ["pending", "disputed"],
    ["pending", "refunded"],
    // The app expired a canceled session at Stripe: no late webhook can make it expired, failed or paid.
    ["canceled", "expired"],
    ["canceled", "failed"],
    ["canceled", "paid"],
    ["paid", "canceled"],
  ] as [PurchaseStatus, PurchaseStatus][])("%s → %s is refused", (from, to) => {
    expect(canMovePurchase(from, to)).toBe(false);
  });

  it("only a pending purchase can be marked failed or expired", () => {
    expect(statusesMovingTo("failed")).toEqual(["pending"]);
    expect(statusesMovingTo("expired")).toEqual(["pending"]);
    expect(statusesMovingTo("canceled")).toEqual(["pending"]);
  });
});
