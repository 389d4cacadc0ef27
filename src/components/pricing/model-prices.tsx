"use client";

import { useFormatter, useTranslations } from "next-intl";

import { api } from "~/trpc/react";
import { useModelName } from "~/components/chat/model-name";

/**
 * The chat models and their prices per 1,000 tokens, as a table. chat.models is public, so this
 * works signed out (the public pricing page).
 */
export function ModelPrices({ className }: { className?: string }) {
  const t = useTranslations("modelPrices");
  const format = useFormatter();
  const name = useModelName();
  const { data, isError } = api.chat.models.useQuery(undefined, { staleTime: Infinity });
  if (isError) return <p className="text-sm text-red-600 dark:text-red-400">{t("loadError")}</p>;
  if (!data) return <div className="h-24 animate-pulse rounded-md bg-gray-100 dark:bg-gray-800" aria-hidden />;

  return (
    <table data-testid="model-prices" className={`w-full text-left text-sm ${className ?? ""}`}>
      <caption className="mb-2 text-left text-gray-600 dark:text-gray-300">{t("caption")}</caption>
      <thead>
        <tr className="border-b border-gray-200 dark:border-gray-800">
          <th scope="col" className="py-2 pr-3 font-medium">
            {t("model")}
          </th>
          <th scope="col" className="py-2 pr-3 text-right font-medium">
            {t("input")}
          </th>
          <th scope="col" className="py-2 pr-3 text-right font-medium">
            {t("output")}
          </th>
          <th scope="col" className="py-2 text-right font-medium">
            {t("context")}
          </th>
        </tr>
      </thead>
      <tbody>
        {data.map((m) => (
          <tr key={m.id} data-testid={`model-prices-${m.id}`} className="border-b border-gray-100 dark:border-gray-900">
            <th scope="row" className="py-2 pr-3 font-normal">
              {name(m)}
              {m.isDefault && <span className="ml-2 text-xs text-gray-600 dark:text-gray-300">{t("default")}</span>}
            </th>
            <td className="py-2 pr-3 text-right tabular-nums">
              {t("perThousand", { credits: format.number(m.creditsPer1kInputTokens) })}
            </td>
            <td className="py-2 pr-3 text-right tabular-nums">
              {t("perThousand", { credits: format.number(m.creditsPer1kOutputTokens) })}
            </td>
            <td className="py-2 text-right tabular-nums">
              {t("contextTokens", { tokens: format.number(m.contextTokens) })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
