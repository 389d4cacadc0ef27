"use client";

import { useFormatter, useTranslations } from "next-intl";

import { minorToMajor } from "~/lib/money";
import { api } from "~/trpc/react";

import { HISTORY_PAGE, HistorySection, historyCursor } from "./history-section";
import { usePackName } from "./pack-list";
import { StatusBadge } from "./status-badge";

export function PurchaseHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const packName = usePackName();
  const query = api.billing.purchases.useInfiniteQuery(HISTORY_PAGE, historyCursor);

  return (
    <HistorySection kind="purchases" query={query}>
      {(p) => (
        <li
          key={p.id}
          data-testid="purchase-row"
          data-status={p.status}
          className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm"
        >
          <span className="min-w-24 font-medium">{packName(p.packId)}</span>
          <span className="text-gray-600 tabular-nums dark:text-gray-300">
            {t("perPack", { credits: format.number(p.credits) })}
          </span>
          <span className="tabular-nums">
            {format.number(minorToMajor(p.amountTotal, p.currency), {
              style: "currency",
              currency: p.currency.toUpperCase(),
            })}
          </span>
          <StatusBadge status={p.status} />
          <time dateTime={p.createdAt.toISOString()} className="ml-auto text-gray-500 dark:text-gray-400">
            {format.dateTime(p.createdAt, { dateStyle: "medium", timeStyle: "short" })}
          </time>
        </li>
      )}
    </HistorySection>
  );
}
