"use client";

import { useTranslations } from "next-intl";
import { useId, type FormEvent, type KeyboardEvent, type ReactNode } from "react";

import { MAX_MESSAGE_CHARS } from "~/lib/chat-limits";
import { Button } from "~/components/ui/button";

export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  sending,
  picker,
  quote,
}: {
  /** The model picker (model-picker.tsx), above the input. */
  picker?: ReactNode;
  /** What the message being typed would cost (quote-line.tsx), above the input. */
  quote?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  sending: boolean;
}) {
  const t = useTranslations("chat");
  const counterId = useId();
  const length = value.length;
  const over = length - MAX_MESSAGE_CHARS;
  const canSend = !sending && value.trim().length > 0 && over <= 0;

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (canSend) onSend();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
  }

  return (
    <form onSubmit={submit} className="border-t border-gray-200 p-3 dark:border-gray-800">
      {picker && <div className="mb-2">{picker}</div>}
      {quote}
      <label className="sr-only" htmlFor={`${counterId}-input`}>
        {t("inputLabel")}
      </label>
      <textarea
        id={`${counterId}-input`}
        data-testid="chat-input"
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={t("placeholder")}
        aria-invalid={over > 0 || undefined}
        aria-describedby={counterId}
        className="block w-full resize-none rounded-lg border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 aria-invalid:border-red-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100"
      />
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        <p
          id={counterId}
          aria-live="polite"
          className={`text-xs tabular-nums ${over > 0 ? "text-red-600 dark:text-red-400" : "text-gray-500 dark:text-gray-400"}`}
        >
          {over > 0 ? (
            <span data-testid="chat-too-long">{t("tooLong", { max: MAX_MESSAGE_CHARS, over })}</span>
          ) : (
            t("charCount", { count: length, max: MAX_MESSAGE_CHARS })
          )}
        </p>
        {sending ? (
          <Button variant="secondary" data-testid="chat-stop" onClick={onStop}>
            {t("stop")}
          </Button>
        ) : (
          <Button type="submit" data-testid="chat-send" disabled={!canSend}>
            {t("send")}
          </Button>
        )}
      </div>
    </form>
  );
}
