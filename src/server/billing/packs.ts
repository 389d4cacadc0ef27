import { env } from "~/env";
import { PACK_IDS, type PackId } from "~/lib/packs";

export { PACK_IDS, type PackId };

export interface Pack {
  id: PackId;
  /** Stripe Price id charged at Checkout. */
  priceId: string;
  /** Expected price in the smallest currency unit; a paid session must match exactly. */
  unitAmount: number;
  currency: string;
  credits: number;
}

type PackKey = Uppercase<PackId>;

/** Each pack's three settings are named after its id: STRIPE_PRICE_<ID>, PRICE_<ID>_CENTS, CREDITS_<ID>. */
export type PackEnv = Pick<
  typeof env,
  `STRIPE_PRICE_${PackKey}` | `PRICE_${PackKey}_CENTS` | `CREDITS_${PackKey}` | "BILLING_CURRENCY"
>;

export function packsFrom(source: PackEnv = env): Pack[] {
  const currency = source.BILLING_CURRENCY;
  return PACK_IDS.map((id) => {
    const key = id.toUpperCase() as PackKey;
    return {
      id,
      priceId: source[`STRIPE_PRICE_${key}`],
      unitAmount: source[`PRICE_${key}_CENTS`],
      currency,
      credits: source[`CREDITS_${key}`],
    };
  });
}

/** The configured pack, or null for anything else (including untrusted metadata). */
export function findPack(packId: unknown, packs: Pack[] = packsFrom()): Pack | null {
  return packs.find((p) => p.id === packId) ?? null;
}
