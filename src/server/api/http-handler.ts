/**
 * /api/trpc over HTTP (the Next route only wires it up): the origin and format policy, the batch
 * limit, no caching of anything it answers, and a log line for every unexpected error.
 */
import {
  getErrorShape,
  TRPCError,
  transformTRPCResponse,
  type AnyTRPCRouter,
  type inferRouterContext,
} from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import { logEvent } from "~/server/log";
import { RateLimitedError } from "~/server/rate-limit/rate-limit";

import { errorDetail, isUnexpectedError } from "./public-errors";
import { requestRefusal, type Refusal } from "./request-policy";

export const TRPC_ENDPOINT = "/api/trpc";

export interface TrpcHttpOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  createContext: () => Promise<inferRouterContext<TRouter>>;
  /** The app's public URL (APP_URL): the only origin whose pages may call the API. */
  appUrl: string;
}

const clip = (value: string | null) => value?.slice(0, 200) ?? null;

/** A tRPC-shaped error answer, as tRPC itself gives for a request it cannot accept. */
function refuse(req: Request, router: AnyTRPCRouter, refusal: Refusal): Response {
  logEvent(
    "trpc_request_refused",
    {
      reason: refusal.reason,
      method: req.method,
      path: clip(new URL(req.url).pathname.slice(TRPC_ENDPOINT.length + 1)),
      origin: clip(req.headers.get("origin")),
      secFetchSite: clip(req.headers.get("sec-fetch-site")),
      contentType: clip(req.headers.get("content-type")),
    },
    "warn",
  );
  const error = new TRPCError({ code: refusal.code, message: refusal.message });
  const config = router._def._config;
  const shape = getErrorShape({ config, error, type: "unknown", path: undefined, input: undefined, ctx: undefined });
  return new Response(JSON.stringify(transformTRPCResponse(config, { error: shape })), {
    status: getHTTPStatusCodeFromError(error),
    headers: { "content-type": "application/json" },
  });
}

/** httpBatchStreamLink's request: answered as JSON lines, value by value. */
const isStreamed = (req: Request) => req.headers.get("trpc-accept") === "application/jsonl";

export async function handleTrpcRequest<TRouter extends AnyTRPCRouter>(
  req: Request,
  opts: TrpcHttpOptions<TRouter>,
): Promise<Response> {
  const refusal = requestRefusal(req, new URL(opts.appUrl).origin);
  const res = refusal
    ? refuse(req, opts.router, refusal)
    : await fetchRequestHandler({
        endpoint: TRPC_ENDPOINT,
        req,
        router: opts.router,
        createContext: opts.createContext,
        maxBatchSize: TRPC_MAX_BATCH_SIZE,
        // A query may come as a JSON POST (the browser sends chat.quote so: its input is a whole message).
        allowMethodOverride: true,
        responseMeta({ errors }) {
          const limited = errors.map((e) => e.cause).find((c): c is RateLimitedError => c instanceof RateLimitedError);
          return limited ? { headers: new Headers({ "Retry-After": String(limited.retryAfterSeconds) }) } : {};
        },
        onError({ path, error, ctx }) {
          if (!isUnexpectedError(error)) return;
          const userId = (ctx as { userId?: string | null } | undefined)?.userId ?? null;
          logEvent("trpc_error", { path: path ?? null, code: error.code, userId, ...errorDetail(error) }, "error");
        },
      });
  // Everything here is someone's data, errors and streamed batches included (headers go out before the stream).
  // A streamed batch (chat replies) is also no-transform: gzip would cost CPU on every small frame it
  // flushes and save little, and a proxy that compresses may hold frames back.
  res.headers.set("Cache-Control", isStreamed(req) ? "private, no-store, no-transform" : "private, no-store");
  return res;
}
