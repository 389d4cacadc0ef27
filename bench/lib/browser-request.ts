// The exact HTTP request the browser's tRPC link (src/trpc/batch-link.ts, used by src/trpc/react.tsx)
// makes for a query: the same link, with a fetch that records the request instead of sending it.
import { createTRPCClient } from "@trpc/client";

import type { AppRouter } from "~/server/api/root";
import { appBatchLink } from "~/trpc/batch-link";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The request the browser's link sends for `procedure` (a query without input), as recorded from the link itself. */
export async function browserQueryRequest(baseUrl: string, procedure: "credits.balance"): Promise<RecordedRequest> {
  let recorded: RecordedRequest | undefined;
  const client = createTRPCClient<AppRouter>({
    links: [
      appBatchLink({
        url: `${baseUrl}/api/trpc`,
        fetch: async (input, init) => {
          recorded = {
            method: init?.method ?? "GET",
            url: String(input),
            headers: Object.fromEntries(new Headers(init?.headers as HeadersInit | undefined)),
            body: typeof init?.body === "string" ? init.body : undefined,
          };
          // An empty batch answer: the caller only wanted the request.
          return new Response(JSON.stringify([{ result: { data: { json: null } } }]), {
            headers: { "content-type": "application/json" },
          });
        },
      }),
    ],
  });
  const [router, name] = procedure.split(".") as ["credits", "balance"];
  await client[router][name].query();
  if (!recorded) throw new Error("the browser's link sent nothing");
  return recorded;
}
