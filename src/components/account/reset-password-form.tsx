"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

/** Without a token: ask for a link (same answer whether or not the email has an account). With one: choose the new password. */
export function ResetPasswordForm({ token }: { token: string | null }) {
  const t = useTranslations("account");
  const ta = useTranslations("auth");
  const request = api.auth.requestPasswordReset.useMutation();
  const reset = api.auth.resetPassword.useMutation();
  const [value, setValue] = useState("");
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    try {
      if (token) {
        await reset.mutateAsync({ token, password: value });
        setMessage({ text: t("resetDone"), ok: true });
      } else {
        await request.mutateAsync({ email: value.trim() });
        setMessage({ text: t("resetRequestSent"), ok: true });
      }
    } catch (error) {
      const code = (error as { data?: { code?: string; domainCode?: string | null; zodError?: unknown } }).data;
      if (code?.code === "TOO_MANY_REQUESTS") setMessage({ text: ta("errorRateLimited"), ok: false });
      else if (code?.domainCode === "invalid_reset_link") setMessage({ text: t("resetInvalid"), ok: false });
      else if (code?.zodError)
        setMessage({ text: token ? ta("errorPasswordWeak") : ta("errorEmailInvalid"), ok: false });
      else setMessage({ text: ta("errorGeneric"), ok: false });
    }
  }

  const done = message?.ok && token;
  return (
    <div className="mx-auto w-full max-w-sm py-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("resetTitle")}</h1>
      {!token && <p className="mt-1 text-gray-600 dark:text-gray-300">{t("resetRequestBody")}</p>}
      {!done && (
        <form noValidate onSubmit={onSubmit} className="mt-6 space-y-4">
          <TextField
            label={token ? t("newPassword") : ta("email")}
            type={token ? "password" : "email"}
            autoComplete={token ? "new-password" : "email"}
            data-testid="reset-input"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            hint={token ? ta("passwordHint") : undefined}
          />
          <Button
            type="submit"
            size="lg"
            className="w-full"
            data-testid="reset-submit"
            disabled={request.isPending || reset.isPending}
          >
            {token ? t("resetSave") : t("resetSubmit")}
          </Button>
        </form>
      )}
      {message && (
        <FormMessage tone={message.ok ? "success" : "error"} testId="reset-message" className="mt-4">
          {message.text}
        </FormMessage>
      )}
      {done && (
        <Link
          href="/auth"
          data-testid="reset-sign-in"
          className="mt-4 inline-block text-blue-700 underline dark:text-blue-300"
        >
          {ta("submitSignIn")}
        </Link>
      )}
    </div>
  );
}
