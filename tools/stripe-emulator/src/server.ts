import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { customerRoutes } from "./api/customers";
import { authenticationRoutes } from "./authentication-routes";
import { checkoutSessionRoutes } from "./api/checkout-sessions";
import { eventRoutes } from "./api/events";
import { invoiceRoutes } from "./api/invoices";
import { paymentIntentRoutes } from "./api/payment-intents";
import { paymentRoutes } from "./api/payments";
import { priceRoutes } from "./api/prices";
import { savedCardRoutes } from "./api/saved-cards";
import { API_VERSION, type EmulatorContext } from "./context";
import { controlRoutes } from "./control-routes";
import { stripeErrors, StripeHttpError } from "./errors";
import { FormParseError, parseForm, type FormObject } from "./form";
import { statusPage } from "./hosted-page-html";
import { hostedRoutes } from "./hosted-routes";
import { receiptRoutes } from "./receipt-routes";
import { newRequestId } from "./ids";
import { checkIdempotency, fingerprintOf, rememberIdempotent } from "./idempotency";
import { matchRoute, type Reply, type Route, type RouteRequest } from "./router";

const ROUTES: Route[] = [
  ...customerRoutes,
  ...priceRoutes,
  ...checkoutSessionRoutes,
  ...paymentIntentRoutes,
  ...paymentRoutes,
  ...eventRoutes,
  ...savedCardRoutes,
  ...invoiceRoutes,
  ...hostedRoutes,
  ...receiptRoutes,
  ...authenticationRoutes,
  ...controlRoutes,
];
const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1] ?? null;
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic)
    return (
      Buffer.from(basic[1] ?? "", "base64")
        .toString("utf8")
        .split(":")[0] ?? null
    );
  return null;
}

const errorReply = (error: StripeHttpError): Reply => ({ status: error.status, json: { error: error.body } });

function parseStripeForm(text: string): FormObject {
  try {
    return parseForm(text);
  } catch (error) {
    if (error instanceof FormParseError) throw stripeErrors.invalidParam(error.param, error.message);
    throw error;
  }
}

async function handleApi(
  ctx: EmulatorContext,
  route: Route,
  req: RouteRequest,
  raw: { method: string; path: string; body: string },
): Promise<Reply> {
  req.body = parseStripeForm(raw.body);
  if (raw.method !== "POST" || !req.idempotencyKey) return route.handle(ctx, req);
  if (req.idempotencyKey.length > 255)
    throw stripeErrors.invalid("Idempotency keys can be at most 255 characters long.", { param: "Idempotency-Key" });
  const fingerprint = fingerprintOf(raw.method, raw.path, raw.body);
  const check = checkIdempotency(ctx.store, req.idempotencyKey, fingerprint);
  if (check.kind === "replay") return check.reply;
  if (check.kind === "mismatch") throw stripeErrors.idempotencyMismatch(req.idempotencyKey);
  let reply: Reply;
  try {
    reply = await route.handle(ctx, req);
  } catch (error) {
    if (!(error instanceof StripeHttpError)) throw error;
    reply = errorReply(error);
  }
  rememberIdempotent(ctx.store, req.idempotencyKey, fingerprint, reply);
  return reply;
}

function authenticate(req: IncomingMessage): void {
  const key = apiKeyOf(req);
  if (!key) throw stripeErrors.noApiKey();
  if (!/^sk_test_\w+$/.test(key)) throw stripeErrors.badApiKey(key);
}

async function dispatch(ctx: EmulatorContext, req: IncomingMessage, requestId: string): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://emulator.local");
  const method = req.method ?? "GET";
  const path = url.pathname;
  const isApi = path.startsWith("/v1/");
  const isControl = path.startsWith("/_emulator/");
  try {
    if (isApi) authenticate(req);
    const rawBody = await readBody(req);
    const matched = matchRoute(ROUTES, method, path);
    if (!matched || matched === "method") {
      if (isApi || isControl) throw stripeErrors.unrecognizedUrl(method, path);
      return { status: 404, html: statusPage("Not found", "There is nothing at this address.") };
    }
    const idempotencyHeader = req.headers["idempotency-key"];
    const routeReq: RouteRequest = {
      method,
      path,
      params: matched.params,
      query: isApi ? parseStripeForm(url.search.slice(1)) : Object.fromEntries(url.searchParams),
      body: {},
      headers: req.headers,
      requestId,
      idempotencyKey: typeof idempotencyHeader === "string" && idempotencyHeader !== "" ? idempotencyHeader : null,
    };
    if (matched.route.kind === "api")
      return await handleApi(ctx, matched.route, routeReq, { method, path, body: rawBody });
    if (matched.route.kind === "control") {
      try {
        routeReq.body = rawBody.trim() ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
      } catch {
        throw stripeErrors.invalid("The body must be JSON.");
      }
    } else {
      routeReq.body = Object.fromEntries(new URLSearchParams(rawBody));
    }
    return await matched.route.handle(ctx, routeReq);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return errorReply(
        new StripeHttpError(413, { type: "invalid_request_error", message: "Request body too large." }),
      );
    if (error instanceof StripeHttpError) {
      if (isApi || isControl) return errorReply(error);
      return { status: error.status, html: statusPage("Something went wrong", error.message) };
    }
    console.error(`[stripe-emulator] ${method} ${path} failed:`, error);
    return errorReply(
      new StripeHttpError(500, { type: "api_error", message: "An unexpected error occurred in the Stripe emulator." }),
    );
  }
}

function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const headers: Record<string, string> = { "Request-Id": requestId, "Stripe-Version": API_VERSION, ...reply.headers };
  if (reply.location) {
    res.writeHead(reply.status, { ...headers, Location: reply.location });
    res.end();
  } else if (reply.file !== undefined) {
    res.writeHead(reply.status, { "Cache-Control": "no-store", ...headers, "Content-Length": reply.file.length });
    res.end(reply.file);
  } else if (reply.html !== undefined) {
    res.writeHead(reply.status, {
      ...headers,
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
    });
    res.end(reply.html);
  } else {
    res.writeHead(reply.status, { ...headers, "Content-Type": "application/json" });
    res.end(JSON.stringify(reply.json ?? {}, null, 2));
  }
}

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) would close an SDK's
 * pooled connections at every pause, so each burst after one would start by opening new connections,
 * which a Node server busy with requests accepts only one per event-loop turn (measured: 50 new
 * connections took ~0.8 s to be accepted under load), a delay Stripe's API does not add.
 */
const IDLE_KEEP_ALIVE_MS = 65_000;

export function createEmulatorServer(ctx: EmulatorContext): Server {
  const server = createServer((req, res) => {
    const requestId = newRequestId();
    void dispatch(ctx, req, requestId).then((reply) => send(res, reply, requestId));
  });
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  return server;
}
