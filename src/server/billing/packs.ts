import { env } from "~/env";

export const PACK_IDS = ["starter", "pro", "enterprise"] as const;
export type PackId = (typeof PACK_IDS)[number];

export interface Pack {
  id: PackId;
  /** Stripe Price id charged at Checkout. */
  priceId: string;
  /** Expected price in the smallest currency unit; a paid session must match exactly. */
  unitAmount: number;
  currency: string;
  credits: number;
}

export type PackEnv = Pick<
  typeof env,
  | "STRIPE_PRICE_STARTER"
  | "STRIPE_PRICE_PRO"
  | "STRIPE_PRICE_ENTERPRISE"
  | "PRICE_STARTER_CENTS"
  | "PRICE_PRO_CENTS"
  | "PRICE_ENTERPRISE_CENTS"
  | "CREDITS_STARTER"
  | "CREDITS_PRO"
  | "CREDITS_ENTERPRISE"
  | "BILLING_CURRENCY"
>;

export function packsFrom(source: PackEnv = env): Pack[] {
  const currency = source.BILLING_CURRENCY;
  return [
    { id: "starter", priceId: source.STRIPE_PRICE_STARTER, unitAmount: source.PRICE_STARTER_CENTS, currency, credits: source.CREDITS_STARTER },
    { id: "pro", priceId: source.STRIPE_PRICE_PRO, unitAmount: source.PRICE_PRO_CENTS, currency, credits: source.CREDITS_PRO },
    { id: "enterprise", priceId: source.STRIPE_PRICE_ENTERPRISE, unitAmount: source.PRICE_ENTERPRISE_CENTS, currency, credits: source.CREDITS_ENTERPRISE },
  ];
}

/** The configured pack, or null for anything else (including untrusted metadata). */
export function findPack(packId: unknown, packs: Pack[] = packsFrom()): Pack | null {
  return packs.find((p) => p.id === packId) ?? null;
}
