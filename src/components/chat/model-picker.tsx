"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useId } from "react";

import { api } from "~/trpc/react";

import { useModelName } from "./model-name";

/**
 * The model this conversation's next message goes to: a native, labelled <select>. Each option
 * names its prices per 1,000 tokens and about how many typical messages the paying balance's
 * spendable credits pay for (the server's likely cost of a typical message).
 */
export function ModelPicker({
  value,
  onChange,
  spendable: payerSpendable,
}: {
  value: string | undefined;
  onChange: (modelId: string) => void;
  /** What the chosen payer leaves to spend, when it is not the user's own balance (a team's pool). */
  spendable?: number;
}) {
  const t = useTranslations("chat");
  const format = useFormatter();
  const id = useId();
  const name = useModelName();
  const models = api.chat.models.useQuery(undefined, { staleTime: Infinity });
  const balance = api.credits.balance.useQuery();
  const list = models.data ?? [];
  if (list.length === 0) return null;
  const selected = value ?? list.find((m) => m.isDefault)?.id ?? list[0]!.id;
  const spendable = payerSpendable ?? balance.data?.spendable;

  return (
    <div className="flex min-w-0 items-center gap-2 text-xs">
      <label htmlFor={id} className="shrink-0 font-medium text-gray-700 dark:text-gray-300">
        {t("modelPickerLabel")}
      </label>
      <select
        id={id}
        data-testid="chat-model-picker"
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        className="min-w-0 flex-1 truncate rounded-md border border-gray-300 bg-white px-2 py-1 text-xs text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100"
      >
        {list.map((m) => (
          <option key={m.id} value={m.id} data-testid={`chat-model-option-${m.id}`}>
            {t("modelOption", {
              name: name(m),
              input: format.number(m.creditsPer1kInputTokens),
              output: format.number(m.creditsPer1kOutputTokens),
            })}
            {spendable !== undefined &&
              ` · ${t("messagesLeft", { count: Math.floor(spendable / m.typicalMessageCredits) })}`}
          </option>
        ))}
      </select>
    </div>
  );
}
