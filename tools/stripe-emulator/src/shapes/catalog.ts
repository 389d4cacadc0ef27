import type { LineItem } from "../objects";

/** Prices, products and Checkout line items: the packs are one-time prices of service products. */

export const priceShape = (price: { object: "price" }) => ({
  ...price,
  custom_unit_amount: null,
  tiers_mode: null,
  transform_quantity: null,
});

export const productShape = (product: { object: "product"; created: number }) => ({
  ...product,
  images: [],
  marketing_features: [],
  package_dimensions: null,
  shippable: null,
  statement_descriptor: null,
  tax_code: null,
  unit_label: null,
  updated: product.created,
  url: null,
});

export const lineItemShape = (item: LineItem) => ({ ...item, adjustable_quantity: null, metadata: {} });
