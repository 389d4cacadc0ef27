"use client";

import { useTranslations } from "next-intl";

export function LoadMoreButton({ loading, onClick, testId }: { loading: boolean; onClick: () => void; testId?: string }) {
  const t = useTranslations("common");
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      disabled={loading}
      className="mt-3 rounded-md px-3 py-1.5 text-sm font-medium text-blue-600 hover:bg-blue-50 disabled:opacity-60 dark:text-blue-400 dark:hover:bg-blue-950"
    >
      {loading ? t("loading") : t("loadMore")}
    </button>
  );
}
