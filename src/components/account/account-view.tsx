"use client";

import { useTranslations } from "next-intl";

import { ChangePasswordForm } from "./change-password-form";
import { DeleteAccountSection } from "./delete-account-section";
import { LowBalanceSection } from "./low-balance-section";
import { ProfileSection } from "./profile-section";
import { SessionsSection } from "./sessions-section";

export function AccountView({ email }: { email: string | null }) {
  const t = useTranslations("account");
  const th = useTranslations("header");

  return (
    <div>
      <h1 className="text-2xl font-bold tracking-tight">{t("pageTitle")}</h1>
      {email && <p className="mt-1 text-gray-600 dark:text-gray-300">{th("signedInAs", { email })}</p>}

      <div className="mt-6 space-y-6">
        <ProfileSection />
        <LowBalanceSection />
        <ChangePasswordForm email={email} />
        <SessionsSection />
        <DeleteAccountSection />
      </div>
    </div>
  );
}
