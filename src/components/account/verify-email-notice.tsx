"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { api } from "~/trpc/react";
import { Button } from "~/components/ui/button";

/** Until the email is verified: what is pending (the signup bonus) and a rate-limited "send again". */
export function VerifyEmailNotice() {
  const t = useTranslations("account");
  const status = api.auth.status.useQuery(undefined, { staleTime: 30_000 });
  const resend = api.auth.resendVerification.useMutation();
  const [note, setNote] = useState<"resent" | "resendLimited" | null>(null);
  if (!status.data || status.data.verified) return null;

  async function onResend() {
    try {
      await resend.mutateAsync();
      setNote("resent");
    } catch {
      setNote("resendLimited");
    }
  }

  return (
    <div
      role="status"
      data-testid="verify-email-notice"
      className="mx-auto my-4 max-w-2xl rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-semibold">{t("verifyPendingTitle", { bonus: status.data.bonus })}</p>
      <p className="mt-1 text-sm">{t("verifyPendingBody", { email: status.data.email ?? "" })}</p>
      <div className="mt-3 flex items-center gap-3">
        <Button
          variant="secondary"
          size="sm"
          data-testid="verify-email-resend"
          disabled={resend.isPending}
          onClick={() => void onResend()}
        >
          {t("resend")}
        </Button>
        {note && <span className="text-sm">{t(note)}</span>}
      </div>
    </div>
  );
}
