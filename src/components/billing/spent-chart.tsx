"use client";

import { useTranslations } from "next-intl";
import dynamic from "next/dynamic";
import { useEffect } from "react";

import { api } from "~/trpc/react";

// recharts is most of /billing's JavaScript: it loads after the page (tests/deploy/first-load-js.test.ts), while the
// data is fetched, into the fixed-height frame below, so nothing moves when the bars appear.
const loadBars = () => import("./spent-bars");
const SpentBars = dynamic(() => loadBars().then((m) => m.SpentBars), { ssr: false });

export function SpentChart() {
  const t = useTranslations("billing");
  const { data } = api.credits.spentPerDay.useQuery({ days: 30 });
  const total = data?.reduce((sum, d) => sum + d.spent, 0) ?? 0;
  useEffect(() => {
    void loadBars().catch(() => undefined);
  }, []);

  return (
    <section
      aria-labelledby="spent-title"
      className="mt-10"
      data-testid="spent-chart"
      data-total={data ? total : undefined}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="spent-title" className="text-lg font-semibold">
          {t("chartTitle")}
        </h2>
        <p className="text-xs text-gray-500 dark:text-gray-400">{t("chartSubtitle")}</p>
      </div>
      {/* Fixed height whether loading, empty or drawn: nothing below it jumps. */}
      <div className="relative mt-3 h-60 rounded-lg border border-gray-200 p-2 text-gray-500 dark:border-gray-800 dark:text-gray-400">
        {!data ? (
          <div aria-hidden className="h-full animate-pulse rounded bg-gray-100 dark:bg-gray-900" />
        ) : (
          <>
            {total === 0 && (
              <p className="absolute inset-0 flex items-center justify-center text-sm">{t("chartEmpty")}</p>
            )}
            <SpentBars data={data} label={t("spent")} />
          </>
        )}
      </div>
    </section>
  );
}
