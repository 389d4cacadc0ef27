import { minorToMajor, type PricedPack as Priced } from "./money";

/** A pack as billing.products lists it: price in the currency's smallest unit. */
export interface PricedPack extends Priced {
  id: string;
}

export interface PackPricing {
  /** Price of 1,000 credits in the currency's major unit (e.g. dollars), for display only, never charged. */
  per1000: number;
  /**
   * Whole percent saved per credit against the pack with the fewest credits, rounded down so a saving is
   * never overstated; null for that pack itself, a pack that saves nothing, or one in another currency.
   */
  savingsPercent: number | null;
}

function assertPack(pack: PricedPack): void {
  if (!Number.isSafeInteger(pack.credits) || pack.credits <= 0) {
    throw new RangeError(`Pack ${pack.id}: credits must be a positive integer.`);
  }
  if (!Number.isSafeInteger(pack.unitAmount) || pack.unitAmount < 0) {
    throw new RangeError(`Pack ${pack.id}: the price must be a non-negative integer amount.`);
  }
}

/**
 * The one place the pricing page's arithmetic lives: each pack's price per 1,000 credits and its saving
 * against the smallest pack. Savings are computed by integer cross-multiplication (no float drift):
 * saving = 1 − (price · smallestCredits) / (smallestPrice · credits).
 */
export function packPricing<T extends PricedPack>(packs: readonly T[]): (T & PackPricing)[] {
  packs.forEach(assertPack);
  const smallest = packs.reduce<T | undefined>((min, p) => (!min || p.credits < min.credits ? p : min), undefined);
  return packs.map((pack) => {
    // Rounded to 1/10,000 of the smallest unit, with one division at the end so no float noise reaches the screen.
    const minorPerMajor = Math.round(1 / minorToMajor(1, pack.currency));
    const per1000 = Math.round((pack.unitAmount * 1000 * 10_000) / pack.credits) / (10_000 * minorPerMajor);
    let savingsPercent: number | null = null;
    if (
      smallest &&
      pack !== smallest &&
      smallest.unitAmount > 0 &&
      pack.currency.toLowerCase() === smallest.currency.toLowerCase()
    ) {
      const base = BigInt(smallest.unitAmount) * BigInt(pack.credits);
      const cost = BigInt(pack.unitAmount) * BigInt(smallest.credits);
      const percent = Number((100n * (base - cost)) / base); // BigInt division truncates: rounds a saving down
      savingsPercent = percent > 0 ? percent : null;
    }
    return { ...pack, per1000, savingsPercent };
  });
}
