"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import { Button, buttonClasses } from "~/components/ui/button";

import { conversationPath } from "./conversation-path";
import type { UnsentMessage } from "./unsent-message";

/** A message refused for lack of credits: here it is back in the composer; elsewhere, a link to it. */
export function UnsentNotice({
  unsent,
  conversationId,
  onResend,
  onDiscard,
}: {
  unsent: UnsentMessage;
  conversationId: string | null;
  onResend: () => void;
  onDiscard: () => void;
}) {
  const t = useTranslations("chat");
  const here = unsent.conversationId === conversationId;
  return (
    <div
      data-testid="chat-unsent"
      data-here={here || undefined}
      className="mx-3 mb-2 flex flex-wrap items-center justify-between gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
    >
      <span className="min-w-0 flex-1">{here ? t("unsentNotice") : t("unsentElsewhere")}</span>
      {here ? (
        <span className="flex gap-2">
          <Button variant="ghost" size="sm" data-testid="chat-unsent-discard" onClick={onDiscard}>
            {t("discardUnsent")}
          </Button>
          <Button size="sm" data-testid="chat-resend" onClick={onResend}>
            {t("resend")}
          </Button>
        </span>
      ) : (
        <Link
          href={conversationPath(unsent.conversationId)}
          data-testid="chat-unsent-open"
          className={buttonClasses({ variant: "link", size: "sm" })}
        >
          {t("openUnsent")}
        </Link>
      )}
    </div>
  );
}
