"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { api } from "~/trpc/react";

const dayToDate = (day: string) => new Date(`${day}T00:00:00Z`);

export function SpentChart() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const { data } = api.credits.spentPerDay.useQuery({ days: 30 });
  const total = data?.reduce((sum, d) => sum + d.spent, 0) ?? 0;

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
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} vertical={false} />
                <XAxis
                  dataKey="day"
                  tickFormatter={(day: string) => format.dateTime(dayToDate(day), { month: "short", day: "numeric" })}
                  tick={{ fill: "currentColor", fontSize: 11 }}
                  stroke="currentColor"
                  strokeOpacity={0.3}
                  minTickGap={16}
                />
                <YAxis
                  tickFormatter={(n: number) => format.number(n, { notation: "compact" })}
                  tick={{ fill: "currentColor", fontSize: 11 }}
                  stroke="currentColor"
                  strokeOpacity={0.3}
                  width={44}
                  allowDecimals={false}
                />
                <Tooltip
                  cursor={{ fill: "currentColor", fillOpacity: 0.08 }}
                  labelFormatter={(day) => format.dateTime(dayToDate(String(day)), { dateStyle: "medium" })}
                  formatter={(value) => [format.number(Number(value)), t("spent")]}
                  contentStyle={{ borderRadius: 8, fontSize: 12 }}
                />
                <Bar dataKey="spent" fill="#3b82f6" radius={[3, 3, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </>
        )}
      </div>
    </section>
  );
}
