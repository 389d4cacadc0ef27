"use client";

import { keepPreviousData } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { MAX_SEARCH_CHARS } from "~/lib/chat-limits";
import { api } from "~/trpc/react";

export const SEARCH_DEBOUNCE_MS = 250;

/** The search box's text, and the server's matches once typing pauses (null while not searching). */
export function useConversationSearch() {
  const [query, setQuery] = useState("");
  const [settled, setSettled] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSettled(query.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const results = api.chat.listConversations.useQuery(
    { search: settled },
    { enabled: settled !== "", placeholderData: keepPreviousData },
  );
  return { query, setQuery, searching: settled !== "", settled, results };
}

export function ConversationSearch({ query, onChange }: { query: string; onChange: (query: string) => void }) {
  const t = useTranslations("chat");
  return (
    <div className="relative mx-3 mb-2">
      <input
        type="search"
        data-testid="conversation-search"
        aria-label={t("searchLabel")}
        placeholder={t("searchPlaceholder")}
        value={query}
        maxLength={MAX_SEARCH_CHARS}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onChange("")}
        className="block w-full rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100"
      />
    </div>
  );
}
