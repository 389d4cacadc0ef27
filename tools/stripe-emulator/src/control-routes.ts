import { z } from "zod";

import type { EmulatorContext } from "./context";
import { stripeErrors } from "./errors";
import type { StripeEvent } from "./objects";
import { parseParams } from "./params";
import { closeDispute, createDispute, expireSession, paySession, settleDelayedPayment } from "./payments";
import { findSession } from "./api/checkout-sessions";
import { findPaymentMethod } from "./api/saved-cards";
import { expireCard } from "./saved-cards";
import { present } from "./shapes";
import { route, type Reply } from "./router";

/** Test-only controls under /_emulator (documented in the README). JSON in, JSON out. */

const ok = (json: unknown): Reply => ({ status: 200, json });

/** Answers after the first delivery attempt of the events the action caused, so tests need not poll. */
async function afterDeliveries(ctx: EmulatorContext, reply: Reply): Promise<Reply> {
  await ctx.webhooks.idle();
  return reply;
}

const payBody = z
  .object({
    card: z.string().optional(),
    email: z.string().optional(),
    name: z.string().optional(),
    delayed: z.boolean().optional(),
    /** The 3D Secure answer for cards that ask for it (default: completed, as a payer normally does). */
    authentication: z.enum(["complete", "fail"]).optional(),
  })
  .strict();
const expireCardBody = z.object({}).strict();
const asyncBody = z.object({ succeeded: z.boolean() }).strict();
const disputeBody = z
  .object({ amount: z.number().int().positive().optional(), reason: z.string().min(1).optional() })
  .strict();
const closeDisputeBody = z.object({ status: z.enum(["won", "lost"]) }).strict();
const redeliverBody = z
  .object({ times: z.number().int().min(1).max(100).optional(), concurrent: z.boolean().optional() })
  .strict();
const deliverManyBody = z
  .object({
    ids: z.array(z.string().min(1)).min(1).max(200),
    order: z.enum(["given", "reverse", "shuffle"]).optional(),
    concurrent: z.boolean().optional(),
  })
  .strict();

function findEvent(ctx: EmulatorContext, id: string): StripeEvent {
  const event = ctx.store.state.events[id];
  if (!event) throw stripeErrors.noSuch("event", id);
  return event;
}

async function deliverAll(
  ctx: EmulatorContext,
  events: StripeEvent[],
  concurrent: boolean,
): Promise<{ id: string; status: number | null }[]> {
  if (!ctx.webhooks.enabled)
    throw stripeErrors.invalid(
      "No webhook URL is configured (start the emulator with webhookUrl / STRIPE_WEBHOOK_URL).",
    );
  if (concurrent) {
    const statuses = await Promise.all(events.map((event) => ctx.webhooks.deliverNow(event)));
    return events.map((event, i) => ({ id: event.id, status: statuses[i] ?? null }));
  }
  const results: { id: string; status: number | null }[] = [];
  for (const event of events) results.push({ id: event.id, status: await ctx.webhooks.deliverNow(event) });
  return results;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const controlRoutes = [
  route("control", "GET", "/_emulator/health", () => ok({ ok: true })),
  route("control", "POST", "/_emulator/checkout/sessions/:id/pay", (ctx, req) => {
    const body = parseParams(payBody, req.body);
    const result = paySession(ctx, findSession(ctx, req.params.id), {
      email: "buyer@example.com",
      name: "Test Buyer",
      authentication: "complete",
      ...body,
    });
    if (result.ok) return afterDeliveries(ctx, ok(result.session));
    const error = stripeErrors.card(result.error.code, result.error.message, result.error.declineCode);
    return { status: error.status, json: { error: error.body } };
  }),
  route("control", "POST", "/_emulator/checkout/sessions/:id/async_result", (ctx, req) => {
    const { succeeded } = parseParams(asyncBody, req.body);
    return afterDeliveries(ctx, ok(settleDelayedPayment(ctx, findSession(ctx, req.params.id), succeeded)));
  }),
  route("control", "POST", "/_emulator/checkout/sessions/:id/expire", (ctx, req) =>
    afterDeliveries(ctx, ok(expireSession(ctx, findSession(ctx, req.params.id)))),
  ),
  route("control", "POST", "/_emulator/payment_methods/:id/expire", (ctx, req) => {
    parseParams(expireCardBody, req.body);
    return ok(present(ctx, expireCard(ctx, findPaymentMethod(ctx, req.params.id ?? ""))));
  }),
  route("control", "POST", "/_emulator/charges/:id/dispute", (ctx, req) => {
    const body = parseParams(disputeBody, req.body);
    const charge = ctx.store.state.charges[req.params.id ?? ""];
    if (!charge) throw stripeErrors.noSuch("charge", req.params.id ?? "");
    return afterDeliveries(ctx, ok(createDispute(ctx, charge, body.amount, body.reason)));
  }),
  route("control", "POST", "/_emulator/disputes/:id/close", (ctx, req) => {
    const { status } = parseParams(closeDisputeBody, req.body);
    const dispute = ctx.store.state.disputes[req.params.id ?? ""];
    if (!dispute) throw stripeErrors.noSuch("dispute", req.params.id ?? "");
    return afterDeliveries(ctx, ok(closeDispute(ctx, dispute, status)));
  }),
  route("control", "POST", "/_emulator/events/deliver", async (ctx, req) => {
    const body = parseParams(deliverManyBody, req.body);
    const events = body.ids.map((id) => findEvent(ctx, id));
    const ordered =
      body.order === "reverse" ? [...events].reverse() : body.order === "shuffle" ? shuffle(events) : events;
    return ok({ results: await deliverAll(ctx, ordered, body.concurrent ?? false) });
  }),
  route("control", "POST", "/_emulator/events/:id/deliver", async (ctx, req) => {
    const body = parseParams(redeliverBody, req.body);
    const event = findEvent(ctx, req.params.id ?? "");
    const results = await deliverAll(
      ctx,
      Array.from({ length: body.times ?? 1 }, () => event),
      body.concurrent ?? false,
    );
    return ok({ statuses: results.map((r) => r.status) });
  }),
  route("control", "GET", "/_emulator/deliveries", (ctx, req) => {
    const eventId = typeof req.query.event === "string" ? req.query.event : undefined;
    return ok({
      data: ctx.store.state.deliveries.filter((d) => !eventId || d.eventId === eventId),
      active: ctx.webhooks.active,
    });
  }),
  route("control", "POST", "/_emulator/reset", (ctx) => {
    ctx.store.reset();
    ctx.webhooks.forget();
    return ok({ ok: true });
  }),
];
