"use client";

import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";

import { conversationPath } from "~/components/chat/conversation-path";
import { buttonClasses } from "~/components/ui/button";
import { api, type RouterOutputs } from "~/trpc/react";

import { HISTORY_PAGE, HistorySection, historyCursor } from "./history-section";
import { usePackName } from "./pack-list";

type LedgerEntryOut = RouterOutputs["credits"]["history"]["items"][number];

/**
 * What a row paid for or came from: a chat charge names its conversation and links to it ("Deleted
 * conversation" once it is gone), a purchase names its pack, every other row its reason.
 */
function EntryLabel({ entry }: { entry: LedgerEntryOut }) {
  const t = useTranslations("billing");
  const tChat = useTranslations("chat");
  const packName = usePackName();
  if (entry.reason === "chat_usage") {
    if (!entry.conversation)
      return <span data-testid="ledger-deleted-conversation">{t("entry.deletedConversation")}</span>;
    const title = entry.conversation.title || tChat("untitled");
    return (
      <Link
        href={conversationPath(entry.conversation.id)}
        data-testid="ledger-conversation-link"
        className={buttonClasses({ variant: "link", size: "xs", className: "-mx-2 max-w-full" })}
      >
        <span className="truncate">{t("entry.chat", { title })}</span>
      </Link>
    );
  }
  if (entry.reason === "purchase" && entry.packId) return <>{t("entry.purchase", { pack: packName(entry.packId) })}</>;
  return <>{t(`reason.${entry.reason}`)}</>;
}

export function LedgerHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const query = api.credits.history.useInfiniteQuery(HISTORY_PAGE, historyCursor);

  return (
    <HistorySection kind="ledger" query={query}>
      {(entry) => (
        <li
          key={entry.id}
          data-testid="ledger-row"
          data-reason={entry.reason}
          data-amount={entry.amount}
          data-conversation-id={entry.conversation?.id}
          className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-0.5 px-4 py-2.5 text-sm sm:grid-cols-[1fr_8rem_8rem]"
        >
          <div className="min-w-0">
            <p className="truncate font-medium">
              <EntryLabel entry={entry} />
            </p>
            <time dateTime={entry.createdAt.toISOString()} className="text-xs text-gray-500 dark:text-gray-400">
              {format.dateTime(entry.createdAt, { dateStyle: "medium", timeStyle: "short" })}
            </time>
          </div>
          <span
            className={`text-right font-medium tabular-nums ${entry.amount >= 0 ? "text-green-700 dark:text-green-400" : "text-gray-800 dark:text-gray-200"}`}
          >
            {format.number(entry.amount, { signDisplay: "exceptZero" })}
          </span>
          <span className="col-span-2 text-right text-xs text-gray-500 tabular-nums sm:col-span-1 sm:text-sm dark:text-gray-400">
            <span className="sr-only">{t("columns.balanceAfter")}: </span>
            {format.number(entry.balanceAfter)}
          </span>
        </li>
      )}
    </HistorySection>
  );
}
