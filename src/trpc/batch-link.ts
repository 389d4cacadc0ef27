import { httpBatchStreamLink, splitLink, type HTTPBatchStreamLinkOptions } from "@trpc/client";
import superjson from "superjson";

import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import type { AppRouter } from "~/server/api/root";

type LinkFetch = HTTPBatchStreamLinkOptions<AppRouter["_def"]["_config"]["$types"]>["fetch"];

/** Queries whose input is a whole message (up to 8,000 characters): sent as POST, a URL that long is refused. */
const LONG_INPUT_QUERIES = new Set(["chat.quote"]);

/** The browser's link to /api/trpc: batched and streamed, never more calls per request than the server accepts. */
export function appBatchLink(opts: { url: string; fetch?: LinkFetch }) {
  const options = {
    transformer: superjson,
    url: opts.url,
    maxItems: TRPC_MAX_BATCH_SIZE,
    fetch: opts.fetch,
    headers: () => ({ "x-trpc-source": "nextjs-react" }),
  };
  return splitLink<AppRouter>({
    condition: (op) => LONG_INPUT_QUERIES.has(op.path),
    true: httpBatchStreamLink<AppRouter>({ ...options, methodOverride: "POST" }),
    false: httpBatchStreamLink<AppRouter>(options),
  });
}
