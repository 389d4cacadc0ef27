"use client";

import { useTranslations } from "next-intl";

import { api } from "~/trpc/react";

/** Shown whenever payments do not move real money (the local emulator or Stripe test keys). */
export function TestModeBadge() {
  const t = useTranslations("header");
  const { data } = api.billing.products.useQuery(undefined, { staleTime: Infinity });
  if (!data || data.mode === "live") return null;
  return (
    <span
      data-testid="test-mode-badge"
      title={t("testModeHint")}
      className="block max-w-full truncate rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-amber-800 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
    >
      {t("testMode")}
    </span>
  );
}
