"use client";

import { useFormatter, useTranslations } from "next-intl";

import { LoadMoreButton } from "~/components/ui/load-more-button";
import { api } from "~/trpc/react";

export function LedgerHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const query = api.credits.history.useInfiniteQuery({ limit: 20 }, { getNextPageParam: (last) => last.nextCursor ?? undefined });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="ledger-title" className="mt-10">
      <h2 id="ledger-title" className="text-lg font-semibold">
        {t("ledger")}
      </h2>
      {query.isPending ? (
        <div aria-hidden className="mt-3 h-24 animate-pulse rounded-lg bg-gray-100 dark:bg-gray-900" />
      ) : query.isError ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">{t("error")}</p>
      ) : items.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500 dark:text-gray-400">{t("noLedger")}</p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-200 rounded-lg border border-gray-200 dark:divide-gray-800 dark:border-gray-800">
          {items.map((entry) => (
            <li
              key={entry.id}
              data-testid="ledger-row"
              data-reason={entry.reason}
              data-amount={entry.amount}
              className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-0.5 px-4 py-2.5 text-sm sm:grid-cols-[1fr_8rem_8rem]"
            >
              <div className="min-w-0">
                <p className="truncate font-medium">{t(`reason.${entry.reason}`)}</p>
                <time dateTime={entry.createdAt.toISOString()} className="text-xs text-gray-500 dark:text-gray-400">
                  {format.dateTime(entry.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                </time>
              </div>
              <span
                className={`text-right font-medium tabular-nums ${entry.amount >= 0 ? "text-green-700 dark:text-green-400" : "text-gray-800 dark:text-gray-200"}`}
              >
                {format.number(entry.amount, { signDisplay: "exceptZero" })}
              </span>
              <span className="col-span-2 text-right text-xs text-gray-500 tabular-nums sm:col-span-1 sm:text-sm dark:text-gray-400">
                <span className="sr-only">{t("columns.balanceAfter")}: </span>
                {format.number(entry.balanceAfter)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage && <LoadMoreButton testId="ledger-more" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()} />}
    </section>
  );
}
