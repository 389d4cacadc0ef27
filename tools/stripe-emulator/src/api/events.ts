import { z } from "zod";

import { stripeErrors } from "../errors";
import { paginate } from "../lists";
import { boolParam, expandParam, listParams, parseParams } from "../params";
import { api } from "../router";

const listEventParams = z
  .object({
    ...listParams,
    type: z.string().min(1).optional(),
    types: z.array(z.string().min(1)).max(20).optional(),
    delivery_success: boolParam.optional(),
  })
  .strict();

/** `type` may end in `*` (e.g. `checkout.session.*`), like Stripe. */
const typeMatches = (pattern: string, type: string) =>
  pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;

export const eventRoutes = [
  api("GET", "/v1/events", (ctx, req) => {
    const params = parseParams(listEventParams, req.query);
    if (params.type && params.types)
      throw stripeErrors.invalid("You may only specify one of these parameters: type, types.", { param: "types" });
    const events = Object.values(ctx.store.state.events)
      .reverse()
      .filter(
        (e) =>
          (!params.type || typeMatches(params.type, e.type)) &&
          (!params.types || params.types.some((t) => typeMatches(t, e.type))) &&
          (params.delivery_success === undefined || (e.pending_webhooks === 0) === params.delivery_success),
      );
    return paginate("/v1/events", events, params);
  }),
  api("GET", "/v1/events/:id", (ctx, req) => {
    parseParams(z.object({ expand: expandParam }).strict(), req.query);
    const event = ctx.store.state.events[req.params.id ?? ""];
    if (!event) throw stripeErrors.noSuch("event", req.params.id ?? "");
    return event;
  }),
];
