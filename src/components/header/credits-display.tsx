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

  // The unit is part of the text at every width (a bare number reads as anything on a phone), in its
  // short form ("Punkte", not "Guthabenpunkte"), and the box grows with it instead of truncating.
  return (
    <div
      className="flex h-9 min-w-28 shrink-0 items-center justify-end rounded-md bg-gray-100 px-2 text-sm whitespace-nowrap tabular-nums sm:min-w-40 sm:px-2.5 dark:bg-gray-800"
      title={t("header.balanceLabel")}
    >
      {data ? (
        <span
          data-testid="credits-balance"
          data-balance={data.balance}
          className="font-medium text-gray-900 dark:text-gray-100"
        >
          <span className="sr-only">{t("header.balanceLabel")}: </span>
          {format.number(data.balance)} {t("common.creditsLabel")}
        </span>
      ) : (
        <span
          data-testid="credits-balance-loading"
          aria-hidden
          className="h-4 flex-1 animate-pulse rounded bg-gray-300 dark:bg-gray-700"
        />
      )}
    </div>
  );
}
