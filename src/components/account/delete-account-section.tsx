"use client";

import { TRPCClientError } from "@trpc/client";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";
import { AccountSection } from "./account-section";

type Problem = "wrongPassword" | "notConfirmed" | "busy" | "ownsTeam" | "rateLimited" | "failed";

function problemOf(error: unknown): Problem {
  if (!(error instanceof TRPCClientError)) return "failed";
  const data = error.data as { code?: string; domainCode?: string } | undefined;
  if (data?.domainCode === "wrong_password") return "wrongPassword";
  if (data?.domainCode === "deletion_not_confirmed") return "notConfirmed";
  if (data?.domainCode === "account_busy") return "busy";
  if (data?.domainCode === "owner_must_transfer") return "ownsTeam";
  if (data?.code === "TOO_MANY_REQUESTS") return "rateLimited";
  return "failed";
}

const PROBLEM_KEYS = {
  wrongPassword: "deleteWrongPassword",
  notConfirmed: "deleteNotConfirmed",
  busy: "deleteBusy",
  ownsTeam: "deleteOwnsTeam",
  rateLimited: "deleteRateLimited",
  failed: "deleteFailed",
} as const;

/** Says what goes and what stays, asks for the password (or the email without one), deletes, signs out. */
export function DeleteAccountSection() {
  const t = useTranslations("account");
  const router = useRouter();
  const profile = api.account.profile.useQuery();
  const remove = api.account.delete.useMutation();
  const [secret, setSecret] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [leaving, setLeaving] = useState(false);
  const hasPassword = profile.data?.hasPassword ?? true;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!secret.trim()) {
      setProblem(hasPassword ? "wrongPassword" : "notConfirmed");
      return;
    }
    try {
      await remove.mutateAsync(hasPassword ? { password: secret } : { confirmEmail: secret });
      setLeaving(true);
      await signOut({ redirect: false });
      router.replace("/");
      router.refresh();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  return (
    <AccountSection id="delete-account-title" title={t("deleteTitle")} tone="danger">
      <div className="mt-2 space-y-2 text-sm text-gray-700 dark:text-gray-200" data-testid="delete-account-explanation">
        <p>{t("deleteWhatGoes")}</p>
        <p>{t("deleteWhatStays")}</p>
        <p className="font-medium">{t("deleteFinal")}</p>
      </div>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={remove.isPending || leaving}>
        <TextField
          label={hasPassword ? t("deleteConfirmPassword") : t("deleteConfirmEmail")}
          type={hasPassword ? "password" : "email"}
          name={hasPassword ? "current-password" : "confirm-email"}
          autoComplete={hasPassword ? "current-password" : "off"}
          data-testid="delete-account-secret"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          error={problem ? t(PROBLEM_KEYS[problem]) : undefined}
          errorTestId="delete-account-error"
        />
        <Button
          type="submit"
          variant="danger"
          size="lg"
          data-testid="delete-account-submit"
          disabled={remove.isPending || leaving}
        >
          {remove.isPending || leaving ? t("deleting") : t("deleteSubmit")}
        </Button>
      </form>
    </AccountSection>
  );
}
