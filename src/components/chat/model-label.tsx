"use client";

import { useTranslations } from "next-intl";

import { api } from "~/trpc/react";

export function ModelLabel() {
  const t = useTranslations("chat");
  const { data } = api.chat.model.useQuery(undefined, { staleTime: Infinity });
  if (!data) return <span className="h-5 w-24" aria-hidden />;
  return (
    <span
      data-testid="chat-model"
      className="truncate rounded-full bg-gray-100 px-2 py-0.5 text-xs text-gray-600 dark:bg-gray-800 dark:text-gray-300"
    >
      {data.demo ? t("demoModel") : t("model", { label: data.label })}
    </span>
  );
}
