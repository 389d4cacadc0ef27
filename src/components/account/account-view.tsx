"use client";

import { useTranslations } from "next-intl";

import { ChangePasswordForm } from "./change-password-form";
import { useSignOut } from "./use-sign-out";
import { Button } from "~/components/ui/button";

export function AccountView({ email }: { email: string | null }) {
  const t = useTranslations("account");
  const th = useTranslations("header");
  const { signingOut, signOut } = useSignOut();

  return (
    <div>
      <h1 className="text-2xl font-bold tracking-tight">{t("pageTitle")}</h1>
      {email && <p className="mt-1 text-gray-600 dark:text-gray-300">{th("signedInAs", { email })}</p>}

      <div className="mt-6 space-y-6">
        <ChangePasswordForm email={email} />

        <section aria-labelledby="sessions-title" className="rounded-lg border border-gray-200 p-5 dark:border-gray-700">
          <h2 id="sessions-title" className="text-lg font-semibold">
            {t("sessionsTitle")}
          </h2>
          <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("signOutEverywhereHint")}</p>
          <Button variant="secondary" className="mt-4" data-testid="account-sign-out-everywhere" disabled={signingOut} onClick={() => void signOut(true)}>
            {t("signOutEverywhere")}
          </Button>
        </section>
      </div>
    </div>
  );
}
