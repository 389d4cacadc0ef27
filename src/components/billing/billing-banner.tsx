"use client";

import { useTranslations } from "next-intl";
import { Button } from "~/components/ui/button";

type Tone = "success" | "info" | "warning" | "error";

const TONES: Record<Tone, string> = {
  success: "border-green-200 bg-green-50 text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200",
  info: "border-blue-200 bg-blue-50 text-blue-800 dark:border-blue-800 dark:bg-blue-950 dark:text-blue-200",
  warning: "border-amber-200 bg-amber-50 text-amber-800 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200",
  error: "border-red-200 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200",
};

export function BillingBanner({
  tone,
  testId,
  children,
  onDismiss,
}: {
  tone: Tone;
  testId: string;
  children: React.ReactNode;
  onDismiss?: () => void;
}) {
  const t = useTranslations("billing");
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      className={`mb-6 flex items-start justify-between gap-3 rounded-lg border px-4 py-3 text-sm ${TONES[tone]}`}
    >
      <p className="flex items-center gap-2">
        {tone === "info" && (
          <span
            aria-hidden
            className="h-3 w-3 shrink-0 animate-spin rounded-full border-2 border-current border-t-transparent"
          />
        )}
        {children}
      </p>
      {onDismiss && (
        <Button variant="ghost" size="xs" className="shrink-0" onClick={onDismiss}>
          {t("dismiss")}
        </Button>
      )}
    </div>
  );
}
