"use client";

import { useFormatter, useTranslations } from "next-intl";

import { api } from "~/trpc/react";

import { HISTORY_PAGE, HistorySection, historyCursor } from "./history-section";

export function LedgerHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const query = api.credits.history.useInfiniteQuery(HISTORY_PAGE, historyCursor);

  return (
    <HistorySection kind="ledger" query={query}>
      {(entry) => (
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
      )}
    </HistorySection>
  );
}
