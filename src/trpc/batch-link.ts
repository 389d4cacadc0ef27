import {
  httpBatchLink,
  httpBatchStreamLink,
  splitLink,
  type HTTPBatchStreamLinkOptions,
  type TRPCLink,
} from "@trpc/client";
import superjson from "superjson";

import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import type { AppRouter } from "~/server/api/root";

type LinkFetch = HTTPBatchStreamLinkOptions<AppRouter["_def"]["_config"]["$types"]>["fetch"];

/** Queries whose input is a whole message (up to 8,000 characters): sent as POST, a URL that long is refused. */
const LONG_INPUT_QUERIES = new Set(["chat.quote"]);

/**
 * The browser's link to /api/trpc, never more calls per request than the server accepts. Queries go
 * batched as one JSON answer (httpBatchLink); mutations go batched and streamed (httpBatchStreamLink),
 * which chat's replies need. No query streams, and answering one as JSON lines cost about a fifth of
 * the request's throughput in bench case 1 (the stream's producer and chunked framing per answer).
 */
export function appBatchLink(opts: { url: string; fetch?: LinkFetch }): TRPCLink<AppRouter> {
  const common = {
    transformer: superjson,
    url: opts.url,
    maxItems: TRPC_MAX_BATCH_SIZE,
    fetch: opts.fetch,
    headers: () => ({ "x-trpc-source": "nextjs-react" }),
  };
  return splitLink({
    condition: (op) => op.type === "query",
    true: splitLink({
      condition: (op) => LONG_INPUT_QUERIES.has(op.path),
      true: httpBatchLink<AppRouter>({ ...common, methodOverride: "POST" }),
      false: httpBatchLink<AppRouter>(common),
    }),
    false: httpBatchStreamLink<AppRouter>(common),
  });
}
