"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button, type ButtonVariant } from "~/components/ui/button";

/**
 * A destructive action in two steps: the first press asks (in place, no modal), the second does it.
 * Keeps focus on the confirming button so a keyboard user can confirm with Enter or back out.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  busy = false,
  testId,
  variant = "secondary",
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  testId: string;
  variant?: ButtonVariant;
}) {
  const t = useTranslations("teams");
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button variant={variant} size="xs" data-testid={testId} disabled={busy} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  return (
    <span role="group" aria-label={question} className="inline-flex flex-wrap items-center gap-2">
      <span className="text-xs text-gray-700 dark:text-gray-200">{question}</span>
      <Button
        variant="danger"
        size="xs"
        autoFocus
        data-testid={`${testId}-confirm`}
        disabled={busy}
        aria-busy={busy}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </Button>
      <Button variant="ghost" size="xs" data-testid={`${testId}-cancel`} onClick={() => setAsking(false)}>
        {t("cancel")}
      </Button>
    </span>
  );
}
