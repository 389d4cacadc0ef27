import { z } from "zod";

import type { EmulatorContext } from "../context";
import { stripeErrors } from "../errors";
import type { PaymentIntent } from "../objects";
import { paginate } from "../lists";
import { boolParam, expandParam, idParam, listParams, metadataParam, parseParams, positiveIntParam } from "../params";
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  usablePaymentMethod,
} from "../payment-intents";
import { api } from "../router";

/** `POST /v1/payment_intents`, retrieve, confirm and cancel (see ../payment-intents.ts for what confirming does). */

const urlParam = z
  .string()
  .max(5000)
  .refine((value) => URL.canParse(value), "Not a valid URL");
/** Stripe takes `off_session=true` or the kind of off-session payment. */
const offSessionParam = z.union([boolParam, z.enum(["one_off", "recurring"]).transform(() => true)]);

const createParams = z
  .object({
    amount: positiveIntParam,
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, "Invalid currency")
      .transform((value) => value.toLowerCase()),
    customer: idParam.optional(),
    payment_method: idParam.optional(),
    off_session: offSessionParam.optional(),
    confirm: boolParam.optional(),
    metadata: metadataParam.optional(),
    description: z.string().max(1000).optional(),
    receipt_email: z.string().min(3).max(512).optional(),
    payment_method_types: z.array(z.literal("card")).min(1).optional(),
    return_url: urlParam.optional(),
    expand: expandParam,
  })
  .strict();

const confirmParams = z
  .object({
    payment_method: idParam.optional(),
    off_session: offSessionParam.optional(),
    return_url: urlParam.optional(),
    expand: expandParam,
  })
  .strict();

const cancelParams = z
  .object({
    cancellation_reason: z.enum(["duplicate", "fraudulent", "requested_by_customer", "abandoned"]).optional(),
    expand: expandParam,
  })
  .strict();

const listIntentParams = z.object({ ...listParams, customer: idParam.optional() }).strict();

const retrieveParams = z.object({ expand: expandParam, client_secret: z.string().optional() }).strict();

const EXPANDABLE = new Set(["customer", "latest_charge", "payment_method"]);

/** `expand[]` on a PaymentIntent: customer, latest_charge and payment_method ids become the objects. */
export function expandIntent(ctx: EmulatorContext, intent: PaymentIntent, expand: string[] = []): object {
  const unknown = expand.find((path) => !EXPANDABLE.has(path));
  if (unknown) throw stripeErrors.invalidParam("expand", `This property cannot be expanded (${unknown}).`);
  const { state } = ctx.store;
  const out: Record<string, unknown> = { ...intent };
  if (expand.includes("customer") && intent.customer)
    out.customer = state.customers[intent.customer] ?? intent.customer;
  if (expand.includes("latest_charge") && intent.latest_charge)
    out.latest_charge = state.charges[intent.latest_charge] ?? intent.latest_charge;
  if (expand.includes("payment_method") && intent.payment_method)
    out.payment_method = state.paymentMethods[intent.payment_method] ?? intent.payment_method;
  return out;
}

function findIntent(ctx: EmulatorContext, id: string): PaymentIntent {
  const intent = ctx.store.state.paymentIntents[id];
  if (!intent) throw stripeErrors.noSuch("payment_intent", id);
  return intent;
}

/** Stripe's minimum charge (USD-like currencies): 50 cents. */
const MINIMUM_AMOUNT = 50;

export const paymentIntentRoutes = [
  api("POST", "/v1/payment_intents", (ctx, req) => {
    const params = parseParams(createParams, req.body);
    if (params.amount < MINIMUM_AMOUNT) {
      throw stripeErrors.invalid(`Amount must be at least $0.50 ${params.currency}`, {
        code: "amount_too_small",
        param: "amount",
      });
    }
    if (params.customer && !ctx.store.state.customers[params.customer])
      throw stripeErrors.noSuch("customer", params.customer, "customer");
    if (!params.confirm) {
      if (params.off_session !== undefined)
        throw stripeErrors.invalidParam("off_session", "off_session can only be used when confirm=true.");
      if (params.return_url !== undefined)
        throw stripeErrors.invalidParam("return_url", "return_url can only be used when confirm=true.");
    }
    // Checked before anything is created: a bad card leaves no intent behind.
    if (params.payment_method) usablePaymentMethod(ctx, params.customer ?? null, params.payment_method);
    const intent = createPaymentIntent(ctx, params);
    if (params.confirm) {
      confirmPaymentIntent(ctx, intent, {
        payment_method: params.payment_method,
        off_session: params.off_session,
        return_url: params.return_url,
      });
    } else {
      ctx.store.save();
    }
    return expandIntent(ctx, intent, params.expand);
  }),
  /** Newest first, as Stripe lists them: the intents Checkout made and those made through the API alike. */
  api("GET", "/v1/payment_intents", (ctx, req) => {
    const params = parseParams(listIntentParams, req.query);
    const nested = (params.expand ?? []).map((path) =>
      path.startsWith("data.") ? path.slice(5) : `(not data.) ${path}`,
    );
    const intents = Object.values(ctx.store.state.paymentIntents)
      .reverse()
      .filter((intent) => !params.customer || intent.customer === params.customer);
    const page = paginate("/v1/payment_intents", intents, params);
    return { ...page, data: page.data.map((intent) => expandIntent(ctx, intent, nested)) };
  }),
  api("GET", "/v1/payment_intents/:id", (ctx, req) => {
    const { expand } = parseParams(retrieveParams, req.query);
    return expandIntent(ctx, findIntent(ctx, req.params.id ?? ""), expand);
  }),
  api("POST", "/v1/payment_intents/:id/confirm", (ctx, req) => {
    const params = parseParams(confirmParams, req.body);
    const intent = findIntent(ctx, req.params.id ?? "");
    return expandIntent(ctx, confirmPaymentIntent(ctx, intent, params), params.expand);
  }),
  api("POST", "/v1/payment_intents/:id/cancel", (ctx, req) => {
    const params = parseParams(cancelParams, req.body);
    const intent = findIntent(ctx, req.params.id ?? "");
    return expandIntent(ctx, cancelPaymentIntent(ctx, intent, params.cancellation_reason), params.expand);
  }),
];
