"use client";

import { useFormatter, useTranslations } from "next-intl";

import { minorToMajor } from "~/lib/money";
import { LoadMoreButton } from "~/components/ui/load-more-button";
import { api } from "~/trpc/react";

import { usePackName } from "./pack-list";
import { StatusBadge } from "./status-badge";

export function PurchaseHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const packName = usePackName();
  const query = api.billing.purchases.useInfiniteQuery({ limit: 20 }, { getNextPageParam: (last) => last.nextCursor ?? undefined });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="purchases-title" className="mt-10">
      <h2 id="purchases-title" className="text-lg font-semibold">
        {t("purchases")}
      </h2>
      {query.isPending ? (
        <div aria-hidden className="mt-3 h-16 animate-pulse rounded-lg bg-gray-100 dark:bg-gray-900" />
      ) : query.isError ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">{t("error")}</p>
      ) : items.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500 dark:text-gray-400">{t("noPurchases")}</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-200 rounded-lg border border-gray-200 dark:divide-gray-800 dark:border-gray-800">
          {items.map((p) => (
            <li key={p.id} data-testid="purchase-row" data-status={p.status} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
              <span className="min-w-24 font-medium">{packName(p.packId)}</span>
              <span className="text-gray-600 tabular-nums dark:text-gray-300">{t("perPack", { credits: format.number(p.credits) })}</span>
              <span className="tabular-nums">
                {format.number(minorToMajor(p.amountTotal, p.currency), { style: "currency", currency: p.currency.toUpperCase() })}
              </span>
              <StatusBadge status={p.status} />
              <time dateTime={p.createdAt.toISOString()} className="ml-auto text-gray-500 dark:text-gray-400">
                {format.dateTime(p.createdAt, { dateStyle: "medium", timeStyle: "short" })}
              </time>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage && (
        <LoadMoreButton testId="purchases-more" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()} />
      )}
    </section>
  );
}
