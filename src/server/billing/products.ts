import { packsFrom, type PackEnv, type PackId } from "./packs";
import { stripeSettingsFrom, type StripeEnv, type StripeMode } from "./stripe-client";

export interface Product {
  id: PackId;
  credits: number;
  unitAmount: number;
  currency: string;
}

/** What the billing page shows: the packs and whether payments are real. */
export function billingProducts(source?: PackEnv & StripeEnv): { products: Product[]; mode: StripeMode } {
  const mode = stripeSettingsFrom(source).mode;
  const products = packsFrom(source).map(({ id, credits, unitAmount, currency }) => ({ id, credits, unitAmount, currency }));
  return { products, mode };
}
