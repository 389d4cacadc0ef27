"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import type { BubbleStatus } from "./message-bubble";

export interface FinishedReply {
  content: string;
  status: BubbleStatus;
}

/**
 * The one place a screen reader hears the chat: a reply once it is finished and saved (not every
 * streamed token), or that it was stopped. The message list itself is not a live region.
 */
export function ReplyAnnouncer({ sending, lastReply }: { sending: boolean; lastReply: FinishedReply | undefined }) {
  const t = useTranslations("chat");
  const [announcement, setAnnouncement] = useState("");
  const [wasSending, setWasSending] = useState(sending);

  // Adjusted while rendering when sending ends; by then the saved reply has been loaded.
  if (sending !== wasSending) {
    setWasSending(sending);
    if (sending) setAnnouncement("");
    else if (lastReply?.status === "complete") setAnnouncement(`${t("assistant")}: ${lastReply.content}`);
    else if (lastReply?.status === "stopped") setAnnouncement(`${t("stopped")}: ${lastReply.content}`);
  }

  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="chat-announcer">
      {announcement}
    </div>
  );
}
