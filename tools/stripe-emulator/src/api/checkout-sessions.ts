import { z } from "zod";

import { stripeErrors } from "../errors";
import { expandForList, expandSession } from "../expand";
import { newId, newSessionId, nowSeconds } from "../ids";
import { paginate } from "../lists";
import { listObject, priceObject, type CheckoutSession, type LineItem } from "../objects";
import {
  boolParam,
  expandParam,
  idParam,
  intParam,
  listParams,
  metadataParam,
  parseParams,
  positiveIntParam,
} from "../params";
import { expireIfDue, expireSession } from "../payments";
import { api, type RouteRequest } from "../router";
import type { EmulatorContext } from "../context";

const urlParam = z
  .string()
  .max(5000)
  .refine((value) => URL.canParse(value), "Not a valid URL");
const ignored = z.unknown().optional();

const createParams = z
  .object({
    mode: z.enum(["payment", "subscription", "setup"]),
    line_items: z
      .array(z.object({ price: z.string().min(1), quantity: positiveIntParam, adjustable_quantity: ignored }).strict())
      .min(1)
      .max(100)
      .optional(),
    success_url: urlParam.optional(),
    cancel_url: urlParam.optional(),
    client_reference_id: z.string().min(1).max(200).optional(),
    customer: idParam.optional(),
    customer_email: z.string().min(3).max(512).optional(),
    metadata: metadataParam.optional(),
    payment_method_types: z.array(z.string().min(1)).optional(),
    expires_at: intParam.optional(),
    locale: z.string().optional(),
    ui_mode: z.literal("hosted").optional(),
    expand: expandParam,
    // Real Stripe params the emulator accepts without acting on them.
    allow_promotion_codes: ignored,
    automatic_tax: ignored,
    billing_address_collection: ignored,
    consent_collection: ignored,
    currency: ignored,
    custom_text: ignored,
    customer_creation: ignored,
    invoice_creation: z
      .object({
        enabled: boolParam,
        invoice_data: z
          .object({ metadata: metadataParam.optional(), description: ignored, footer: ignored, custom_fields: ignored })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    // Only setup_future_usage acts; the other real payment_intent_data params are accepted and ignored.
    payment_intent_data: z
      .object({ setup_future_usage: z.enum(["on_session", "off_session"]).optional() })
      .catchall(z.unknown())
      .optional(),
    phone_number_collection: ignored,
    submit_type: ignored,
  })
  .strict();

type CreateParams = z.output<typeof createParams>;

function buildLineItems(ctx: EmulatorContext, items: NonNullable<CreateParams["line_items"]>): LineItem[] {
  return items.map((item, index) => {
    const price = ctx.prices.get(item.price);
    if (!price) throw stripeErrors.noSuch("price", item.price, `line_items[${index}][price]`);
    const amount = price.unitAmount * item.quantity;
    return {
      id: newId("li"),
      object: "item",
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: price.productName,
      price: priceObject(price),
      quantity: item.quantity,
    };
  });
}

function createSession(ctx: EmulatorContext, req: RouteRequest) {
  const params = parseParams(createParams, req.body);
  if (params.mode === "subscription")
    throw stripeErrors.invalidParam("mode", "The local Stripe emulator supports mode=payment and mode=setup.");
  if (params.mode === "setup") {
    if (params.line_items)
      throw stripeErrors.invalidParam("line_items", "You cannot pass `line_items` in `setup` mode.");
    if (params.invoice_creation)
      throw stripeErrors.invalidParam("invoice_creation", "`invoice_creation` can only be used in `payment` mode.");
  } else if (!params.line_items) throw stripeErrors.missingParam("line_items");
  if (params.customer && params.customer_email) {
    throw stripeErrors.invalid("You may only specify one of these parameters: customer, customer_email.", {
      param: "customer_email",
    });
  }
  if (params.customer && !ctx.store.state.customers[params.customer])
    throw stripeErrors.noSuch("customer", params.customer, "customer");
  const lineItems = buildLineItems(ctx, params.line_items ?? []);
  const currencies = new Set(lineItems.map((item) => item.currency));
  if (currencies.size > 1) throw stripeErrors.invalidParam("line_items", "All line items must use the same currency.");
  const created = nowSeconds();
  const expiresAt = params.expires_at ?? created + 24 * 3600;
  if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
    throw stripeErrors.invalidParam(
      "expires_at",
      "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
    );
  }
  const setup = params.mode === "setup";
  const total = setup ? null : lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const id = newSessionId();
  const session: CheckoutSession = {
    id,
    object: "checkout.session",
    amount_subtotal: total,
    amount_total: total,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    created,
    currency: lineItems[0]?.currency ?? (setup ? null : "usd"),
    customer: params.customer ?? null,
    customer_creation: params.customer
      ? null
      : setup || params.payment_intent_data?.setup_future_usage || params.invoice_creation?.enabled
        ? "always"
        : "if_required",
    customer_details: null,
    customer_email: params.customer_email ?? null,
    expires_at: expiresAt,
    livemode: false,
    locale: params.locale ?? null,
    metadata: params.metadata ?? {},
    mode: params.mode,
    payment_intent: null,
    payment_method_types: params.payment_method_types ?? ["card"],
    payment_status: "unpaid",
    status: "open",
    success_url: params.success_url ?? null,
    total_details: setup ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${ctx.publicUrl}/c/pay/${id}`,
    invoice: null,
    invoice_creation_enabled: params.invoice_creation?.enabled ?? false,
    invoice_metadata: params.invoice_creation?.invoice_data?.metadata ?? {},
    setup_future_usage: params.payment_intent_data?.setup_future_usage ?? null,
    setup_intent: null,
  };
  ctx.store.state.sessions[id] = session;
  ctx.store.state.lineItems[id] = lineItems;
  ctx.store.save();
  return expandSession(ctx, session, params.expand);
}

export function findSession(ctx: EmulatorContext, id: string | undefined): CheckoutSession {
  const session = ctx.store.state.sessions[id ?? ""];
  if (!session) throw stripeErrors.noSuch("checkout.session", id ?? "");
  return expireIfDue(ctx, session);
}

const listParamsSchema = z
  .object({
    ...listParams,
    status: z.enum(["open", "complete", "expired"]).optional(),
    payment_intent: idParam.optional(),
    customer: idParam.optional(),
    customer_details: z.object({ email: z.string() }).strict().optional(),
    payment_link: idParam.optional(),
  })
  .strict();

function listSessions(ctx: EmulatorContext, req: RouteRequest) {
  const params = parseParams(listParamsSchema, req.query);
  const expand = expandForList(params.expand);
  const sessions = Object.values(ctx.store.state.sessions)
    .reverse()
    .map((session) => expireIfDue(ctx, session))
    .filter(
      (s) =>
        (!params.status || s.status === params.status) &&
        (!params.payment_intent || s.payment_intent === params.payment_intent) &&
        (!params.customer || s.customer === params.customer) &&
        (!params.customer_details || s.customer_details?.email === params.customer_details.email) &&
        !params.payment_link,
    );
  const page = paginate("/v1/checkout/sessions", sessions, params);
  return { ...page, data: page.data.map((session) => expandSession(ctx, session, expand)) };
}

export const checkoutSessionRoutes = [
  api("POST", "/v1/checkout/sessions", createSession),
  api("GET", "/v1/checkout/sessions", listSessions),
  api("GET", "/v1/checkout/sessions/:id", (ctx, req) => {
    const { expand } = parseParams(z.object({ expand: expandParam }).strict(), req.query);
    return expandSession(ctx, findSession(ctx, req.params.id), expand);
  }),
  api("GET", "/v1/checkout/sessions/:id/line_items", (ctx, req) => {
    const params = parseParams(
      z
        .object({
          limit: listParams.limit,
          starting_after: listParams.starting_after,
          ending_before: listParams.ending_before,
          expand: expandParam,
        })
        .strict(),
      req.query,
    );
    const session = findSession(ctx, req.params.id);
    const items = ctx.store.state.lineItems[session.id] ?? [];
    const start = params.starting_after ? items.findIndex((i) => i.id === params.starting_after) + 1 : 0;
    const rest = items.slice(start);
    const limit = params.limit ?? 10;
    return listObject(`/v1/checkout/sessions/${session.id}/line_items`, rest.slice(0, limit), rest.length > limit);
  }),
  api("POST", "/v1/checkout/sessions/:id/expire", (ctx, req) => {
    parseParams(z.object({ expand: expandParam }).strict(), req.body);
    return expireSession(ctx, findSession(ctx, req.params.id));
  }),
];
