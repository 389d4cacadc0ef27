import { httpBatchStreamLink, type HTTPBatchStreamLinkOptions } from "@trpc/client";
import superjson from "superjson";

import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import type { AppRouter } from "~/server/api/root";

type LinkFetch = HTTPBatchStreamLinkOptions<AppRouter["_def"]["_config"]["$types"]>["fetch"];

/** The browser's link to /api/trpc: batched and streamed, never more calls per request than the server accepts. */
export function appBatchLink(opts: { url: string; fetch?: LinkFetch }) {
  return httpBatchStreamLink<AppRouter>({
    transformer: superjson,
    url: opts.url,
    maxItems: TRPC_MAX_BATCH_SIZE,
    fetch: opts.fetch,
    headers: () => ({ "x-trpc-source": "nextjs-react" }),
  });
}
