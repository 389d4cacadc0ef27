"use client";

import { useFormatter, useTranslations } from "next-intl";

import { api } from "~/trpc/react";

/**
 * The header balance. The box has a fixed width whether loading or loaded, so nothing in the
 * header moves when the number arrives. Any code that changes the balance invalidates `credits.balance`.
 */
export function CreditsDisplay({ signedIn }: { signedIn: boolean }) {
  const t = useTranslations();
  const format = useFormatter();
  const { data } = api.credits.balance.useQuery(undefined, { enabled: signedIn });

  if (!signedIn) return null;

  return (
    <div
      className="flex h-9 w-28 shrink-0 items-center justify-end gap-1.5 rounded-md bg-gray-100 px-2.5 text-sm tabular-nums sm:w-40 dark:bg-gray-800"
      title={t("header.balanceLabel")}
    >
      <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4 shrink-0 text-amber-500" fill="currentColor">
        <circle cx="12" cy="12" r="9" />
      </svg>
      {data ? (
        <span
          data-testid="credits-balance"
          data-balance={data.balance}
          aria-label={`${t("header.balanceLabel")}: ${t("common.credits", { count: data.balance })}`}
          className="truncate font-medium"
        >
          {format.number(data.balance)}
          <span className="ml-1 hidden font-normal text-gray-500 sm:inline dark:text-gray-400">{t("common.creditsLabel")}</span>
        </span>
      ) : (
        <span data-testid="credits-balance-loading" aria-hidden className="h-4 flex-1 animate-pulse rounded bg-gray-300 dark:bg-gray-700" />
      )}
    </div>
  );
}
