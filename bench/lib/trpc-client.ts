import { createTRPCClient, httpBatchStreamLink } from "@trpc/client";
import superjson from "superjson";

import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import type { AppRouter } from "~/server/api/root";

/** The browser's tRPC link (httpBatchStreamLink + superjson, same batch limit), signed in with `cookie`, sending the headers a browser on the app's page sends. */
export function trpcClient(baseUrl: string, cookie: string) {
  const headers = { cookie, origin: new URL(baseUrl).origin, "sec-fetch-site": "same-origin" };
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchStreamLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        maxItems: TRPC_MAX_BATCH_SIZE,
        headers: () => headers,
      }),
    ],
  });
}
