"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

import { LoadMoreButton } from "~/components/ui/load-more-button";

/** Page size and cursor of the billing histories' infinite queries. */
export const HISTORY_PAGE = { limit: 20 };
export const historyCursor = {
  getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor ?? undefined,
};

/** The part of an infinite query a paged history list reads. */
export interface PagedQuery<T> {
  data?: { pages: { items: T[] }[] };
  isPending: boolean;
  isError: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** What differs between the billing page's histories; the ids are also how e2e journeys find them. */
const HISTORIES = {
  purchases: { title: "purchases", empty: "noPurchases", skeleton: "h-16" },
  ledger: { title: "ledger", empty: "noLedger", skeleton: "h-24" },
} as const;

/** A titled, paged history list on the billing page: loading, error, empty, the rows and "Load more". */
export function HistorySection<T extends { id: string }>({
  kind,
  query,
  children,
}: {
  kind: keyof typeof HISTORIES;
  query: PagedQuery<T>;
  children: (item: T) => ReactNode;
}) {
  const t = useTranslations("billing");
  const { title, empty, skeleton } = HISTORIES[kind];
  const titleId = `${kind}-title`;
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby={titleId} className="mt-10">
      <h2 id={titleId} className="text-lg font-semibold">
        {t(title)}
      </h2>
      {query.isPending ? (
        <div aria-hidden className={`mt-3 animate-pulse rounded-lg bg-gray-100 dark:bg-gray-900 ${skeleton}`} />
      ) : query.isError ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">{t("error")}</p>
      ) : items.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500 dark:text-gray-400">{t(empty)}</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-200 rounded-lg border border-gray-200 dark:divide-gray-800 dark:border-gray-800">
          {items.map(children)}
        </ul>
      )}
      {query.hasNextPage && (
        <LoadMoreButton
          testId={`${kind}-more`}
          loading={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        />
      )}
    </section>
  );
}
