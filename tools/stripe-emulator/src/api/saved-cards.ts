import { z } from "zod";

import type { EmulatorContext } from "../context";
import { stripeErrors } from "../errors";
import type { PaymentMethod, SetupIntent } from "../objects";
import { expandParam, idParam, listParams, metadataParam, parseParams } from "../params";
import { paginate } from "../lists";
import { api } from "../router";
import { createSetupIntent, detachPaymentMethod } from "../saved-cards";

/** SetupIntents and saved cards: enough of Stripe's API to create, read, list and detach them. */

const retrieveParams = z.object({ expand: expandParam, client_secret: z.string().optional() }).strict();

const createSetupParams = z
  .object({
    customer: idParam.optional(),
    description: z.string().max(1000).optional(),
    metadata: metadataParam.optional(),
    usage: z.enum(["on_session", "off_session"]).optional(),
    payment_method_types: z.array(z.literal("card")).optional(),
    expand: expandParam,
  })
  .strict();

function findSetupIntent(ctx: EmulatorContext, id: string): SetupIntent {
  const intent = ctx.store.state.setupIntents[id];
  if (!intent) throw stripeErrors.noSuch("setup_intent", id);
  return intent;
}

export function findPaymentMethod(ctx: EmulatorContext, id: string): PaymentMethod {
  const method = ctx.store.state.paymentMethods[id];
  if (!method) throw stripeErrors.noSuch("payment_method", id);
  return method;
}

export const savedCardRoutes = [
  api("POST", "/v1/setup_intents", (ctx, req) => {
    const params = parseParams(createSetupParams, req.body);
    if (params.customer && !ctx.store.state.customers[params.customer])
      throw stripeErrors.noSuch("customer", params.customer, "customer");
    const intent = createSetupIntent(ctx, {
      customer: params.customer ?? null,
      description: params.description,
      metadata: params.metadata,
      usage: params.usage,
    });
    ctx.store.save();
    return intent;
  }),
  api("GET", "/v1/setup_intents/:id", (ctx, req) => {
    parseParams(retrieveParams, req.query);
    return findSetupIntent(ctx, req.params.id ?? "");
  }),
  api("GET", "/v1/payment_methods/:id", (ctx, req) => {
    parseParams(retrieveParams, req.query);
    return findPaymentMethod(ctx, req.params.id ?? "");
  }),
  api("POST", "/v1/payment_methods/:id/detach", (ctx, req) => {
    parseParams(z.object({ expand: expandParam }).strict(), req.body);
    return detachPaymentMethod(ctx, findPaymentMethod(ctx, req.params.id ?? ""));
  }),
  api("GET", "/v1/customers/:id/payment_methods", (ctx, req) => {
    const params = parseParams(
      z.object({ ...listParams, type: z.string().optional(), allow_redisplay: z.string().optional() }).strict(),
      req.query,
    );
    const customer = req.params.id ?? "";
    if (!ctx.store.state.customers[customer]) throw stripeErrors.noSuch("customer", customer);
    const methods = Object.values(ctx.store.state.paymentMethods)
      .reverse()
      .filter(
        (method) =>
          method.customer === customer &&
          (!params.type || method.type === params.type) &&
          (!params.allow_redisplay || method.allow_redisplay === params.allow_redisplay),
      );
    return paginate(`/v1/customers/${customer}/payment_methods`, methods, params);
  }),
];
