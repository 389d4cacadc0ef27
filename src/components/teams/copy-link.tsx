"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { Button } from "~/components/ui/button";

const FEEDBACK_MS = 2000;

/** A read-only link with a copy button; the field selects itself so copying by hand works too. */
export function CopyLink({ url, label }: { url: string; label: string }) {
  const t = useTranslations("teams.invite");
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      <input
        readOnly
        aria-label={label}
        data-testid="invite-link"
        value={url}
        onFocus={(event) => event.target.select()}
        className="min-w-0 flex-1 rounded-md border border-gray-300 bg-gray-50 px-3 py-2 font-mono text-xs text-gray-900 dark:border-gray-700 dark:bg-gray-800 dark:text-gray-100"
      />
      <Button variant="secondary" size="sm" data-testid="invite-copy" onClick={() => void copy()}>
        <span aria-live="polite">
          {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : t("copy")}
        </span>
      </Button>
    </div>
  );
}
