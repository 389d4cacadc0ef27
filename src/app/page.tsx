import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { VerifyEmailNotice } from "~/components/account/verify-email-notice";
import { HomeBalance } from "~/components/home/home-balance";

import { currentUser } from "./_lib/current-user";

const primary = "inline-flex items-center justify-center rounded-md bg-blue-600 px-5 py-2.5 font-medium text-white hover:bg-blue-700";
const secondary =
  "inline-flex items-center justify-center rounded-md border border-gray-300 px-5 py-2.5 font-medium text-gray-800 hover:bg-gray-50 dark:border-gray-700 dark:text-gray-100 dark:hover:bg-gray-900";

export default async function HomePage() {
  const [t, user] = await Promise.all([getTranslations("home"), currentUser()]);

  if (user) {
    return (
      <section className="mx-auto max-w-2xl py-10">
        <h1 className="text-3xl font-bold tracking-tight">{t("greeting", { name: user.name ?? user.email ?? "" })}</h1>
        <VerifyEmailNotice />
        <HomeBalance />
        <div className="mt-8 flex flex-col gap-3 sm:flex-row">
          <Link href="/chat" className={primary} data-testid="home-open-chat">
            {t("openChat")}
          </Link>
          <Link href="/billing" className={secondary}>
            {t("buyCredits")}
          </Link>
        </div>
      </section>
    );
  }

  return (
    <section className="mx-auto max-w-2xl py-10">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">{t("title")}</h1>
      <p className="mt-4 text-lg text-gray-600 dark:text-gray-300">{t("intro")}</p>
      <ul className="mt-6 space-y-2 text-gray-700 dark:text-gray-300">
        {(["featureCredits", "featureStreaming", "featureBilling"] as const).map((key) => (
          <li key={key} className="flex gap-2">
            <span aria-hidden className="text-blue-600 dark:text-blue-400">✓</span>
            {t(key)}
          </li>
        ))}
      </ul>
      <div className="mt-8 flex flex-col gap-3 sm:flex-row">
        <Link href="/auth?mode=signup" className={primary} data-testid="home-signup">
          {t("signUpCta")}
        </Link>
        <Link href="/auth" className={secondary}>
          {t("signInCta")}
        </Link>
      </div>
    </section>
  );
}
