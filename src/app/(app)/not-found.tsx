import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { primaryAction, secondaryAction, StatusPanel } from "~/components/errors/status-panel";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <StatusPanel testId="not-found-page" badge="404" title={t("title")} body={<p>{t("body")}</p>}>
      <Link href="/" className={primaryAction}>
        {t("back")}
      </Link>
      <Link href="/chat" className={secondaryAction}>
        {t("chat")}
      </Link>
    </StatusPanel>
  );
}
