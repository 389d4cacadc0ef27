"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import { conversationPath } from "~/components/chat/conversation-path";
import { useUnsentMessage } from "~/components/chat/unsent-message";
import { buttonClasses } from "~/components/ui/button";

/** Someone sent here by the paywall finds the way back to the conversation, where the unsent text waits in the composer. */
export function ReturnToChat() {
  const t = useTranslations("billing");
  const unsent = useUnsentMessage();
  if (!unsent) return null;
  return (
    <Link
      href={conversationPath(unsent.conversationId)}
      data-testid="billing-back-to-chat"
      className={buttonClasses({ className: "mb-6" })}
    >
      <span aria-hidden>←</span> {t("backToChat")}
    </Link>
  );
}
