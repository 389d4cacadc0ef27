import { defaultShouldDehydrateQuery, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import superjson from "superjson";

import { reportPaymentRequired } from "./paywall-events";

export function isPaymentRequired(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "PAYMENT_REQUIRED";
}

function handleGlobalError(error: unknown) {
  if (isPaymentRequired(error)) reportPaymentRequired();
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: handleGlobalError }),
    mutationCache: new MutationCache({ onError: handleGlobalError }),
    defaultOptions: {
      queries: {
        staleTime: 30 * 1000,
        retry: (count, error) =>
          !(
            error instanceof TRPCClientError &&
            typeof error.data?.httpStatus === "number" &&
            error.data.httpStatus < 500
          ) && count < 2,
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
