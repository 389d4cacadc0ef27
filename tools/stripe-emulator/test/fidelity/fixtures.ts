import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { JsonObject } from "./shape-compare";

/**
 * Stripe's example object of every resource (github.com/stripe/openapi, fixtures3.json, MIT): `../shared` beside the
 * clone (one level further up from a git worktree nested in a folder).
 */
const CANDIDATES = ["../shared/stripe/fixtures3.json", "../../shared/stripe/fixtures3.json"].map((p) =>
  path.resolve(process.cwd(), p),
);

export function loadFixtures(): Record<string, JsonObject> {
  const file = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`Stripe's fixtures are missing: expected ${CANDIDATES[0]} (see the emulator README)`);
  return (JSON.parse(readFileSync(file, "utf8")) as { resources: Record<string, JsonObject> }).resources;
}

/** The resources Tally touches: fixture key (Stripe's `object` value) → the SDK's type of it. */
export const RESOURCES: Record<string, string> = {
  customer: "Stripe.Customer",
  price: "Stripe.Price",
  product: "Stripe.Product",
  "checkout.session": "Stripe.Checkout.Session",
  item: "Stripe.LineItem",
  payment_intent: "Stripe.PaymentIntent",
  charge: "Stripe.Charge",
  refund: "Stripe.Refund",
  dispute: "Stripe.Dispute",
  event: "Stripe.Event",
  payment_method: "Stripe.PaymentMethod",
  setup_intent: "Stripe.SetupIntent",
  invoice: "Stripe.Invoice",
};
