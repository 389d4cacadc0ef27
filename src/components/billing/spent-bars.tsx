"use client";

import { useFormatter } from "next-intl";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const dayToDate = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * Credits spent per UTC day, as bars: the charts of /billing (spent-chart.tsx) and /billing/usage, each loaded on
 * demand (recharts stays out of the pages' first load). `label` names the value in the tooltip.
 */
export function SpentBars({ data, label }: { data: { day: string; spent: number }[]; label: string }) {
  const format = useFormatter();
  return (
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
          formatter={(value) => [format.number(Number(value)), label]}
          contentStyle={{ borderRadius: 8, fontSize: 12 }}
        />
        <Bar dataKey="spent" fill="#3b82f6" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
