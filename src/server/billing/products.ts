import { packsFrom, type PackEnv, type PackId } from "./packs";
import { BillingNotConfiguredError } from "./errors";
import { stripeSettingsFrom, type StripeEnv, type StripeMode } from "./stripe-client";

export interface Product {
  id: PackId;
  credits: number;
  /** Price in the smallest currency unit (cents). */
  unitAmount: number;
  currency: string;
}

/** The packs are shown even when payments are not configured ("unavailable"): checkout then refuses with a clear error. */
export type ProductsMode = StripeMode | "unavailable";

function modeOf(source?: StripeEnv): ProductsMode {
  try {
    return stripeSettingsFrom(source).mode;
  } catch (error) {
    if (error instanceof BillingNotConfiguredError) return "unavailable";
    throw error;
  }
}

/** What the billing page shows: the packs and whether payments are real. */
export function billingProducts(source?: PackEnv & StripeEnv): { products: Product[]; mode: ProductsMode } {
  const mode = modeOf(source);
  const products = packsFrom(source).map(({ id, credits, unitAmount, currency }) => ({
    id,
    credits,
    unitAmount,
    currency,
  }));
  return { products, mode };
}
