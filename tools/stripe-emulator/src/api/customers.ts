import { z } from "zod";

import { stripeErrors } from "../errors";
import { expandParam, idParam, metadataParam, parseParams } from "../params";
import { api } from "../router";
import { storeCustomer } from "../saved-cards";

const createParams = z
  .object({
    email: z.string().max(512).optional(),
    name: z.string().max(256).optional(),
    description: z.string().max(350).optional(),
    phone: z.string().max(20).optional(),
    metadata: metadataParam.optional(),
    expand: expandParam,
  })
  .strict();

export const customerRoutes = [
  api("POST", "/v1/customers", (ctx, req) => {
    const params = parseParams(createParams, req.body);
    const customer = storeCustomer(ctx, params);
    ctx.store.save();
    return customer;
  }),
  api("GET", "/v1/customers/:id", (ctx, req) => {
    parseParams(z.object({ expand: expandParam }).strict(), req.query);
    const id = parseParams(idParam, req.params.id);
    const customer = ctx.store.state.customers[id];
    if (!customer) throw stripeErrors.noSuch("customer", id);
    return customer;
  }),
];
