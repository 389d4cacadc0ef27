"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import { conversationPath } from "~/components/chat/conversation-path";
import { useUnsentMessage } from "~/components/chat/unsent-message";

/** Someone sent here by the paywall finds the way back to the conversation, where the unsent text waits in the composer. */
export function ReturnToChat() {
  const t = useTranslations("billing");
  const unsent = useUnsentMessage();
  if (!unsent) return null;
  return (
    <Link
      href={conversationPath(unsent.conversationId)}
      data-testid="billing-back-to-chat"
      className="mb-6 inline-flex items-center gap-1 rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500"
    >
      <span aria-hidden>←</span> {t("backToChat")}
    </Link>
  );
}
