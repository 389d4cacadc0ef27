import { z } from "zod";

import { stripeErrors } from "../errors";
import { priceObject, productIdOf, productObject } from "../objects";
import { boolParam, expandParam, listParams, parseParams } from "../params";
import { api } from "../router";
import { paginate } from "../lists";

/** Prices and products are configuration (the packs), read-only here as in the app's Stripe account. */
export const priceRoutes = [
  api("GET", "/v1/prices/:id", (ctx, req) => {
    const { expand } = parseParams(z.object({ expand: expandParam }).strict(), req.query);
    const price = ctx.prices.get(req.params.id ?? "");
    if (!price) throw stripeErrors.noSuch("price", req.params.id ?? "");
    const object = priceObject(price);
    return expand?.includes("product") ? { ...object, product: productObject(price) } : object;
  }),
  api("GET", "/v1/prices", (ctx, req) => {
    const params = parseParams(
      z.object({ ...listParams, active: boolParam.optional(), currency: z.string().optional() }).strict(),
      req.query,
    );
    const prices = [...ctx.prices.values()]
      .filter((p) => params.active !== false && (!params.currency || p.currency === params.currency))
      .map(priceObject);
    return paginate("/v1/prices", prices, params);
  }),
  api("GET", "/v1/products/:id", (ctx, req) => {
    const price = [...ctx.prices.values()].find((p) => productIdOf(p) === req.params.id);
    if (!price) throw stripeErrors.noSuch("product", req.params.id ?? "");
    return productObject(price);
  }),
];
