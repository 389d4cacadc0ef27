import {
  defaultShouldDehydrateQuery,
  MutationCache,
  QueryCache,
  QueryClient,
  type InvalidateOptions,
  type InvalidateQueryFilters,
} from "@tanstack/react-query";
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

/**
 * Invalidation after a write always ends in data read after it. React Query refetches an invalidated
 * query by cancelling its fetch in flight only when the query already has data; a first load still
 * in flight is reused instead, and it may have been answered before the write (an invitation sent
 * while the page's list was still loading stayed missing from it). Such a first load is cancelled
 * here first, silently (its waiters get the new fetch's answer), when a refetch will replace it.
 */
class QueryClientFreshAfterWrites extends QueryClient {
  override invalidateQueries(filters?: InvalidateQueryFilters, options?: InvalidateOptions): Promise<void> {
    const refetchType = filters?.refetchType ?? "active";
    // Exactly the queries the refetch below will fetch again (refetchQueries' own selection), and only
    // when the caller lets a refetch cancel the fetch in flight (React Query's default).
    if (refetchType !== "none" && options?.cancelRefetch !== false) {
      for (const query of this.getQueryCache().findAll({ ...filters, type: refetchType, fetchStatus: "fetching" }))
        if (query.state.data === undefined && !query.isDisabled() && !query.isStatic())
          void query.cancel({ silent: true });
    }
    return super.invalidateQueries(filters, options);
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClientFreshAfterWrites({
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
