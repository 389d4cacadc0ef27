"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { MAX_TITLE_CHARS } from "~/lib/chat-limits";
import { Button, buttonClasses } from "~/components/ui/button";
import { Icon } from "~/components/ui/icon";
import type { RouterOutputs } from "~/trpc/react";

import { conversationPath } from "./conversation-path";

type ConversationOut = RouterOutputs["chat"]["listConversations"][number];

import { ConversationSearch, useConversationSearch } from "./conversation-search";

export function ConversationList({
  conversations,
  loading,
  activeId,
  onSelect,
  onNew,
  onRename,
  onDelete,
  creating,
}: {
  conversations: ConversationOut[];
  loading: boolean;
  activeId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
  creating: boolean;
}) {
  const t = useTranslations("chat");
  const search = useConversationSearch();
  const shown = search.searching ? (search.results.data ?? []) : conversations;
  const pending = search.searching ? search.results.isPending : loading;
  return (
    <div className="flex h-full flex-col">
      <Button className="m-3" data-testid="new-conversation" onClick={onNew} disabled={creating}>
        + {t("newConversation")}
      </Button>
      <h2 className="sr-only">{t("conversations")}</h2>
      <ConversationSearch query={search.query} onChange={search.setQuery} />
      {pending ? (
        <div aria-hidden className="mx-3 space-y-2">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-8 animate-pulse rounded bg-gray-100 dark:bg-gray-800" />
          ))}
        </div>
      ) : shown.length === 0 ? (
        <p data-testid="conversation-list-empty" className="px-4 text-sm text-gray-500 dark:text-gray-400">
          {search.searching ? t("noMatches", { query: search.settled }) : t("noConversations")}
        </p>
      ) : (
        <ul className="flex-1 space-y-0.5 overflow-y-auto px-2 pb-3">
          {shown.map((c) => (
            <ConversationItem
              key={c.id}
              conversation={c}
              active={c.id === activeId}
              onSelect={() => onSelect(c.id)}
              onRename={(title) => onRename(c.id, title)}
              onDelete={() => onDelete(c.id)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function ConversationItem({
  conversation,
  active,
  onSelect,
  onRename,
  onDelete,
}: {
  conversation: ConversationOut;
  active: boolean;
  onSelect: () => void;
  onRename: (title: string) => void;
  onDelete: () => void;
}) {
  const t = useTranslations("chat");
  const tc = useTranslations("common");
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [title, setTitle] = useState(conversation.title);
  const shownTitle = conversation.title || t("untitled");

  function saveRename(e: FormEvent) {
    e.preventDefault();
    const next = title.trim();
    if (next && next !== conversation.title) onRename(next);
    setMode("view");
  }

  return (
    <li
      data-testid="conversation-item"
      data-active={active || undefined}
      className={`group rounded-md ${active ? "bg-gray-200 dark:bg-gray-800" : "hover:bg-gray-100 dark:hover:bg-gray-900"}`}
    >
      {mode === "rename" ? (
        <form onSubmit={saveRename} className="flex gap-1 p-1">
          <input
            autoFocus
            aria-label={t("renameLabel")}
            data-testid="conversation-title-input"
            value={title}
            maxLength={MAX_TITLE_CHARS}
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setMode("view")}
            className="min-w-0 flex-1 rounded border border-gray-300 bg-white px-2 py-1 text-sm dark:border-gray-600 dark:bg-gray-900"
          />
          <Button type="submit" size="xs" data-testid="conversation-rename-save">
            {tc("save")}
          </Button>
        </form>
      ) : mode === "delete" ? (
        <div className="flex flex-wrap items-center gap-1 p-2 text-sm">
          <span className="flex-1">{t("deleteConfirm")}</span>
          <Button variant="danger" size="xs" data-testid="conversation-delete-confirm" onClick={onDelete}>
            {tc("delete")}
          </Button>
          <Button variant="ghost" size="xs" onClick={() => setMode("view")}>
            {tc("cancel")}
          </Button>
        </div>
      ) : (
        <div className="flex items-center">
          <Link
            href={conversationPath(conversation.id)}
            onClick={onSelect}
            aria-current={active ? "page" : undefined}
            data-testid="conversation-link"
            className={buttonClasses({ variant: "row", size: "sm", className: "min-w-0 flex-1" })}
          >
            <span className="truncate">{shownTitle}</span>
            {conversation.creditsTotal > 0 && (
              <span
                data-testid="conversation-total"
                data-credits={conversation.creditsTotal}
                title={t("conversationTotal", { count: conversation.creditsTotal })}
                className="ml-auto shrink-0 text-xs font-normal text-gray-600 tabular-nums dark:text-gray-300"
              >
                {t("charged", { count: conversation.creditsTotal })}
              </span>
            )}
          </Link>
          <div className="flex shrink-0 gap-0.5 pr-1 opacity-100 sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
            <Button
              variant="ghost"
              size="iconSm"
              data-testid="conversation-rename"
              aria-label={`${t("rename")}: ${shownTitle}`}
              title={t("rename")}
              onClick={() => {
                setTitle(conversation.title);
                setMode("rename");
              }}
            >
              <Icon name="edit" />
            </Button>
            <Button
              variant="ghost"
              size="iconSm"
              data-testid="conversation-delete"
              aria-label={`${t("delete")}: ${shownTitle}`}
              title={t("delete")}
              onClick={() => setMode("delete")}
            >
              <Icon name="delete" />
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}
