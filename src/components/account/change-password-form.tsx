"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { changePasswordProblem, validateChangePassword, type ChangePasswordProblem } from "~/components/auth/auth-errors";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

/** Change the password of the signed-in account; the server signs out every other session. */
export function ChangePasswordForm({ email }: { email: string | null }) {
  const t = useTranslations("account");
  const ta = useTranslations("auth");
  const change = api.auth.changePassword.useMutation();
  const [currentPassword, setCurrentPassword] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<ChangePasswordProblem | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const invalid = validateChangePassword(currentPassword, password);
    setProblem(invalid);
    if (invalid) return;
    try {
      await change.mutateAsync({ currentPassword, password });
      setCurrentPassword("");
      setPassword("");
      setDone(true);
    } catch (error) {
      setProblem(changePasswordProblem(error));
    }
  }

  const fieldError = (field: ChangePasswordProblem["field"]) => (problem && problem.field === field ? ta(problem.key) : undefined);

  return (
    <section aria-labelledby="change-password-title" className="rounded-lg border border-gray-200 p-5 dark:border-gray-700">
      <h2 id="change-password-title" className="text-lg font-semibold">
        {t("changePasswordTitle")}
      </h2>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={change.isPending}>
        {/* Lets password managers tie the new password to the right account. */}
        {email && <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />}
        <TextField
          label={t("currentPassword")}
          type="password"
          name="current-password"
          autoComplete="current-password"
          data-testid="change-password-current"
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          error={fieldError("currentPassword")}
          errorTestId="change-password-error"
        />
        <TextField
          label={t("newPassword")}
          type="password"
          name="new-password"
          autoComplete="new-password"
          data-testid="change-password-new"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={ta("passwordHint")}
          error={fieldError("password")}
          errorTestId="change-password-error"
        />

        {problem && problem.field === null && (
          <p role="alert" data-testid="change-password-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {ta(problem.key)}
          </p>
        )}
        {done && (
          <p role="status" data-testid="change-password-success" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200">
            {t("changePasswordDone")}
          </p>
        )}

        <Button type="submit" size="lg" disabled={change.isPending} data-testid="change-password-submit">
          {change.isPending ? ta("submitting") : t("changePasswordSubmit")}
        </Button>
      </form>
    </section>
  );
}
