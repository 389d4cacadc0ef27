"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { Button } from "~/components/ui/button";
import { Icon } from "~/components/ui/icon";

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
      <Icon name="copy" className="h-3.5 w-3.5" />
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
          <Icon name="edit" className="h-3.5 w-3.5" />
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
          <Icon name="regenerate" className="h-3.5 w-3.5" />
          {t("regenerate")}
          <span className="text-gray-600 dark:text-gray-400">· {t("usesCredits")}</span>
        </Button>
      )}
    </div>
  );
}
