import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { VerifyEmailNotice } from "~/components/account/verify-email-notice";
import { HomeBalance } from "~/components/home/home-balance";
import { buttonClasses } from "~/components/ui/button";

import { currentUser } from "~/app/_lib/current-user";

interface Action {
  href: string;
  label: string;
  testId?: string;
}

/** The page's main action and its alternative, as links that look like buttons. */
function Actions({ primary, secondary }: { primary: Action; secondary: Action }) {
  return (
    <div className="mt-8 flex flex-col gap-3 sm:flex-row">
      <Link href={primary.href} className={buttonClasses({ size: "lg" })} data-testid={primary.testId}>
        {primary.label}
      </Link>
      <Link
        href={secondary.href}
        className={buttonClasses({ variant: "secondary", size: "lg" })}
        data-testid={secondary.testId}
      >
        {secondary.label}
      </Link>
    </div>
  );
}

export default async function HomePage() {
  const [t, user] = await Promise.all([getTranslations("home"), currentUser()]);

  if (user) {
    return (
      <section className="mx-auto max-w-2xl py-10">
        <h1 className="text-3xl font-bold tracking-tight">{t("greeting", { name: user.name ?? user.email ?? "" })}</h1>
        <VerifyEmailNotice />
        <HomeBalance />
        <Actions
          primary={{ href: "/chat", label: t("openChat"), testId: "home-open-chat" }}
          secondary={{ href: "/billing", label: t("buyCredits") }}
        />
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
            <span aria-hidden className="text-blue-600 dark:text-blue-400">
              ✓
            </span>
            {t(key)}
          </li>
        ))}
      </ul>
      <Actions
        primary={{ href: "/auth?mode=signup", label: t("signUpCta"), testId: "home-signup" }}
        secondary={{ href: "/auth", label: t("signInCta") }}
      />
      <Link
        href="/pricing"
        data-testid="home-pricing"
        className="mt-6 inline-block text-blue-700 underline-offset-2 hover:underline dark:text-blue-300"
      >
        {t("seePricing")}
      </Link>
    </section>
  );
}
