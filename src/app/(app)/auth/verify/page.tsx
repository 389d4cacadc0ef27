import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { VerifiedRefresh } from "~/components/account/verified-refresh";
import { buttonClasses } from "~/components/ui/button";
import { verifyEmail } from "~/server/auth/verification";
import { db } from "~/server/db";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account");
  return { title: t("verifiedTitle") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Where the verification link lands: confirms the email (and grants the bonus) once; repeat visits say the same. */
export default async function VerifyPage({ searchParams }: { searchParams: SearchParams }) {
  const [t, params] = await Promise.all([getTranslations("account"), searchParams]);
  const token = typeof params.token === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(params.token) ? params.token : null;
  const outcome = token ? await verifyEmail(db, token) : "invalid";
  const ok = outcome === "verified";
  return (
    <section className="mx-auto max-w-md py-10" data-testid="verify-result" data-outcome={outcome}>
      {ok && <VerifiedRefresh />}
      <h1 className="text-2xl font-bold tracking-tight">{ok ? t("verifiedTitle") : t("verifyFailedTitle")}</h1>
      <p className="mt-2 text-gray-700 dark:text-gray-300">{ok ? t("verifiedBody") : t("verifyFailedBody")}</p>
      <Link href="/" data-testid="verify-continue" className={buttonClasses({ className: "mt-6" })}>
        {t("goHome")}
      </Link>
    </section>
  );
}
