"use client";

import { useTranslations } from "next-intl";
import { Button } from "~/components/ui/button";

export function LoadMoreButton({
  loading,
  onClick,
  testId,
}: {
  loading: boolean;
  onClick: () => void;
  testId?: string;
}) {
  const t = useTranslations("common");
  return (
    <Button variant="link" size="sm" className="mt-3" data-testid={testId} onClick={onClick} disabled={loading}>
      {loading ? t("loading") : t("loadMore")}
    </Button>
  );
}
