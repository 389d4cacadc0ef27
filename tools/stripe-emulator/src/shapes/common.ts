import { createHash } from "node:crypto";

/** Small pieces several Stripe shapes share. */
export const emptyAddress = () => ({
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
});

export const billingDetails = (email: string | null, name: string | null) => ({
  address: emptyAddress(),
  email,
  name,
  phone: null,
  tax_id: null,
});

/** Stable, opaque and the same for the same input (card fingerprints, invoice prefixes). */
export const digest = (input: string, length: number) =>
  createHash("sha256").update(input).digest("base64url").replace(/[-_]/g, "x").slice(0, length);
