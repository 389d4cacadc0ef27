"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import { Button } from "~/components/ui/button";

import { secondaryAction, StatusPanel } from "./status-panel";

/** What error.tsx and global-error.tsx show: no details of the failure, only its digest to quote to support. */
export function ErrorContent({ digest, onRetry }: { digest?: string; onRetry: () => void }) {
  const t = useTranslations("error");
  return (
    <StatusPanel
      testId="error-page"
      badge="500"
      title={t("title")}
      body={
        <>
          <p>{t("body")}</p>
          {digest && <p className="mt-2 font-mono text-xs text-gray-500">{t("reference", { digest })}</p>}
        </>
      }
    >
      <Button data-testid="error-retry" onClick={onRetry}>
        {t("retry")}
      </Button>
      <Link href="/" className={secondaryAction}>
        {t("home")}
      </Link>
    </StatusPanel>
  );
}
