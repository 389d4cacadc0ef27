"use client";

import { useTranslations } from "next-intl";

import type { RouterOutputs } from "~/trpc/react";

type LimitUse = RouterOutputs["teams"]["get"]["limits"][number];

/** One limit's use as a labelled meter: "Today: 1,200 of 5,000 credits". */
export function LimitMeter({ use, compact = false }: { use: LimitUse; compact?: boolean }) {
  const t = useTranslations("teams");
  const percent = use.limit > 0 ? Math.min(100, Math.round((use.used / use.limit) * 100)) : 100;
  const label = t(`period.${use.period}`);
  const text = t("limitUse", { used: use.used, limit: use.limit });
  return (
    <div data-testid={`limit-use-${use.period}`} className={compact ? "min-w-28" : ""}>
      <div className="flex justify-between gap-2 text-xs">
        <span className="font-medium">{label}</span>
        <span className="text-gray-600 tabular-nums dark:text-gray-300">{text}</span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={use.limit}
        aria-valuenow={Math.min(use.used, use.limit)}
        aria-valuetext={text}
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-gray-200 dark:bg-gray-700"
      >
        <div
          className={`h-full ${percent >= 100 ? "bg-red-600" : percent >= 80 ? "bg-amber-500" : "bg-blue-600"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
    </div>
  );
}

/** The caller's own limits on this team and how much of each is used. */
export function MyLimits({ limits }: { limits: LimitUse[] }) {
  const t = useTranslations("teams");
  return (
    <section
      aria-labelledby="my-limits-title"
      data-testid="my-limits"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="my-limits-title" className="text-lg font-semibold">
        {t("myLimits.title")}
      </h2>
      {limits.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-300" data-testid="my-limits-none">
          {t("myLimits.none")}
        </p>
      ) : (
        <div className="mt-3 grid gap-3 sm:grid-cols-3">
          {limits.map((use) => (
            <LimitMeter key={use.period} use={use} />
          ))}
        </div>
      )}
    </section>
  );
}
