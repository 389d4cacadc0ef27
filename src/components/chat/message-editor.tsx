"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { MAX_MESSAGE_CHARS } from "~/lib/chat-limits";

/** Edits the last question in place; sending replaces it and its reply, metered like a send. */
export function MessageEditor({
  initial,
  onSubmit,
  onCancel,
}: {
  initial: string;
  onSubmit: (content: string) => void;
  onCancel: () => void;
}) {
  const t = useTranslations("chat");
  const tc = useTranslations("common");
  const hintId = useId();
  const [value, setValue] = useState(initial);
  const text = value.trim();
  const canSend = text.length > 0 && value.length <= MAX_MESSAGE_CHARS && text !== initial.trim();

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (canSend) onSubmit(text);
  }

  return (
    <li data-testid="message-editor" className="flex justify-end">
      <form
        onSubmit={submit}
        className="w-full max-w-[min(42rem,88%)] rounded-2xl border border-blue-300 bg-white p-2 dark:border-blue-800 dark:bg-gray-900"
      >
        <textarea
          autoFocus
          data-testid="message-editor-input"
          aria-label={t("editLabel")}
          aria-describedby={hintId}
          rows={3}
          value={value}
          maxLength={MAX_MESSAGE_CHARS}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") onCancel();
            else if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
          }}
          className="block w-full resize-none rounded-lg border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100"
        />
        <div className="mt-2 flex flex-wrap items-center justify-end gap-2">
          <p id={hintId} className="mr-auto text-xs text-gray-500 dark:text-gray-400">
            {t("editHint")}
          </p>
          <Button variant="ghost" size="sm" onClick={onCancel}>
            {tc("cancel")}
          </Button>
          <Button type="submit" size="sm" data-testid="message-editor-send" disabled={!canSend}>
            {t("editSend")}
          </Button>
        </div>
      </form>
    </li>
  );
}
