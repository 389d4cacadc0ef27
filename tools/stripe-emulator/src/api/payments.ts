import { z } from "zod";

import { stripeErrors } from "../errors";
import type { Charge } from "../objects";
import { expandParam, metadataParam, parseParams, positiveIntParam } from "../params";
import { createRefund } from "../payments";
import { api } from "../router";
import { withRefunds } from "../shapes/charge";
import type { EmulatorContext } from "../context";

const retrieveParams = z.object({ expand: expandParam }).strict();

function findCharge(ctx: EmulatorContext, id: string, param?: string): Charge {
  const charge = ctx.store.state.charges[id];
  if (!charge) throw stripeErrors.noSuch("charge", id, param);
  return charge;
}

const refundParams = z
  .object({
    payment_intent: z.string().min(1).optional(),
    charge: z.string().min(1).optional(),
    amount: positiveIntParam.optional(),
    reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
    metadata: metadataParam.optional(),
    expand: expandParam,
  })
  .strict();

export const paymentRoutes = [
  api("GET", "/v1/charges/:id", (ctx, req) => {
    const { expand } = parseParams(retrieveParams, req.query);
    const charge = findCharge(ctx, req.params.id ?? "");
    return expand?.includes("refunds") ? withRefunds(ctx, charge) : charge;
  }),
  api("POST", "/v1/refunds", (ctx, req) => {
    const params = parseParams(refundParams, req.body);
    let charge: Charge;
    if (params.charge) {
      charge = findCharge(ctx, params.charge, "charge");
    } else if (params.payment_intent) {
      const intent = ctx.store.state.paymentIntents[params.payment_intent];
      if (!intent) throw stripeErrors.noSuch("payment_intent", params.payment_intent, "payment_intent");
      if (!intent.latest_charge || intent.status !== "succeeded") {
        throw stripeErrors.invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
          param: "payment_intent",
        });
      }
      charge = findCharge(ctx, intent.latest_charge);
    } else {
      throw stripeErrors.invalid(
        "One of the following params should be provided for this request: payment_intent or charge.",
      );
    }
    return createRefund(ctx, charge, params, { id: req.requestId, idempotency_key: req.idempotencyKey });
  }),
  api("GET", "/v1/disputes/:id", (ctx, req) => {
    parseParams(retrieveParams, req.query);
    const dispute = ctx.store.state.disputes[req.params.id ?? ""];
    if (!dispute) throw stripeErrors.noSuch("dispute", req.params.id ?? "");
    return dispute;
  }),
  api("GET", "/v1/refunds/:id", (ctx, req) => {
    parseParams(retrieveParams, req.query);
    const refund = ctx.store.state.refunds[req.params.id ?? ""];
    if (!refund) throw stripeErrors.noSuch("refund", req.params.id ?? "");
    return refund;
  }),
];
