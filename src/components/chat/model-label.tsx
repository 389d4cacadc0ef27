"use client";

import { useTranslations } from "next-intl";

import { api } from "~/trpc/react";

import { useModelName } from "./model-name";

/** The model the conversation's next message goes to (`modelId`), else the default one. */
export function ModelLabel({ modelId }: { modelId?: string }) {
  const t = useTranslations("chat");
  const name = useModelName();
  const models = api.chat.models.useQuery(undefined, { staleTime: Infinity, enabled: !!modelId });
  const fallback = api.chat.model.useQuery(undefined, { staleTime: Infinity });
  const data = models.data?.find((m) => m.id === modelId) ?? fallback.data;
  if (!data) return <span className="h-5 w-24" aria-hidden />;
  return (
    <span
      data-testid="chat-model"
      data-model={data.id}
      className="truncate rounded-full bg-gray-100 px-2 py-0.5 text-xs text-gray-600 dark:bg-gray-800 dark:text-gray-300"
    >
      {data.demo ? name(data) : t("model", { label: data.label })}
    </span>
  );
}
