import { createTRPCClient, httpBatchStreamLink } from "@trpc/client";
import superjson from "superjson";

import type { AppRouter } from "~/server/api/root";

/** The browser's tRPC link (httpBatchStreamLink + superjson), signed in with `cookie`. */
export function trpcClient(baseUrl: string, cookie: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchStreamLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, headers: () => ({ cookie }) })],
  });
}
