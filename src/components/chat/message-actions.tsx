"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { Button } from "~/components/ui/button";

const COPIED_FEEDBACK_MS = 2000;

const actionButton = "gap-1 font-normal";

function CopyButton({ text }: { text: string }) {
  const t = useTranslations("chat");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <Button variant="ghost" size="xs" data-testid="message-copy" onClick={() => void copy()} className={actionButton}>
      <svg aria-hidden viewBox="0 0 24 24" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="2">
        <rect x="9" y="9" width="11" height="11" rx="2" />
        <path d="M5 15V5a2 2 0 0 1 2-2h8" />
      </svg>
      <span aria-live="polite">
        {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : t("copy")}
      </span>
    </Button>
  );
}

/** The actions under a message: copy for every reply; regenerate under the last reply, edit under the last question. */
export function MessageActions({
  role,
  content,
  onRegenerate,
  onEdit,
  disabled,
}: {
  role: "user" | "assistant";
  content: string;
  onRegenerate?: () => void;
  onEdit?: () => void;
  disabled?: boolean;
}) {
  const t = useTranslations("chat");
  return (
    <div
      data-testid="message-actions"
      className={`mt-1 flex flex-wrap items-center gap-1 ${role === "user" ? "justify-end" : "justify-start"}`}
    >
      {content && <CopyButton text={content} />}
      {onEdit && (
        <Button
          variant="ghost"
          size="xs"
          data-testid="message-edit"
          onClick={onEdit}
          disabled={disabled}
          className={actionButton}
        >
          <svg
            aria-hidden
            viewBox="0 0 24 24"
            className="h-3.5 w-3.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <path d="M4 20h4L19 9l-4-4L4 16v4z" />
          </svg>
          {t("edit")}
        </Button>
      )}
      {onRegenerate && (
        <Button
          variant="ghost"
          size="xs"
          data-testid="message-regenerate"
          onClick={onRegenerate}
          disabled={disabled}
          title={t("regenerateHint")}
          className={actionButton}
        >
          <svg
            aria-hidden
            viewBox="0 0 24 24"
            className="h-3.5 w-3.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <path d="M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7" />
          </svg>
          {t("regenerate")}
          <span className="text-gray-600 dark:text-gray-400">· {t("usesCredits")}</span>
        </Button>
      )}
    </div>
  );
}
