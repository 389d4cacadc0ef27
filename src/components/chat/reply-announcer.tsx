"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import type { LiveExchange } from "./use-chat-stream";

/**
 * The one place a screen reader hears the chat: a finished reply once (not every streamed token),
 * or that it was stopped. The message list itself is not a live region.
 */
export function ReplyAnnouncer({ live }: { live: LiveExchange | null }) {
  const t = useTranslations("chat");
  const [announcement, setAnnouncement] = useState("");
  const [lastStatus, setLastStatus] = useState<LiveExchange["status"] | undefined>(undefined);
  const status = live?.status;

  // Updated while rendering, when the status changes: the streamed text itself is never announced.
  if (status !== lastStatus) {
    setLastStatus(status);
    if (status === "complete") setAnnouncement(`${t("assistant")}: ${live?.assistantText ?? ""}`);
    else if (status === "stopped") setAnnouncement(t("stopped"));
    else if (status === "sending") setAnnouncement("");
  }

  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="chat-announcer">
      {announcement}
    </div>
  );
}
