import { defaultShouldDehydrateQuery, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import superjson from "superjson";

import { asCreditShortfall, type CreditShortfall } from "~/lib/credit-shortfall";
import type { AppRouter } from "~/server/api/root";

import { reportPaymentRequired } from "./paywall-events";

export function isPaymentRequired(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "PAYMENT_REQUIRED";
}

/** The numbers a PAYMENT_REQUIRED error carries (server error data `credits`), or null. */
export function creditShortfallOf(error: unknown): CreditShortfall | null {
  if (!isPaymentRequired(error)) return null;
  return asCreditShortfall((error as TRPCClientError<AppRouter>).data?.credits);
}

function handleGlobalError(error: unknown) {
  if (isPaymentRequired(error)) reportPaymentRequired(creditShortfallOf(error));
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
