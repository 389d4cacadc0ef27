"use client";

import { useFormatter, useTranslations } from "next-intl";

import { api } from "~/trpc/react";

export function HomeBalance() {
  const t = useTranslations("home");
  const format = useFormatter();
  const { data } = api.credits.balance.useQuery();
  return (
    <p className="mt-3 h-7 text-lg text-gray-600 dark:text-gray-300">
      {data ? (
        t("balance", { balance: format.number(data.balance) })
      ) : (
        <span className="inline-block h-5 w-48 animate-pulse rounded bg-gray-200 dark:bg-gray-800" />
      )}
    </p>
  );
}
