"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import {
  changePasswordProblem,
  validateChangePassword,
  type ChangePasswordProblem,
} from "~/components/auth/auth-errors";
import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";
import { AccountSection } from "./account-section";

const EMPTY = { currentPassword: "", password: "" };

const FIELDS = [
  {
    field: "currentPassword",
    label: "currentPassword",
    autoComplete: "current-password",
    testId: "change-password-current",
    hint: false,
  },
  { field: "password", label: "newPassword", autoComplete: "new-password", testId: "change-password-new", hint: true },
] as const;

/** Change the password of the signed-in account; the server signs out every other session. */
export function ChangePasswordForm({ email }: { email: string | null }) {
  const t = useTranslations("account");
  const ta = useTranslations("auth");
  const change = api.auth.changePassword.useMutation();
  const [values, setValues] = useState(EMPTY);
  const [problem, setProblem] = useState<ChangePasswordProblem | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const invalid = validateChangePassword(values.currentPassword, values.password);
    setProblem(invalid);
    if (invalid) return;
    try {
      await change.mutateAsync(values);
      setValues(EMPTY);
      setDone(true);
    } catch (error) {
      setProblem(changePasswordProblem(error));
    }
  }

  return (
    <AccountSection id="change-password-title" title={t("changePasswordTitle")}>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={change.isPending}>
        {/* Lets password managers tie the new password to the right account. */}
        {email && <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />}
        {FIELDS.map(({ field, label, autoComplete, testId, hint }) => (
          <TextField
            key={field}
            label={t(label)}
            type="password"
            name={autoComplete}
            autoComplete={autoComplete}
            data-testid={testId}
            value={values[field]}
            onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
            hint={hint ? ta("passwordHint") : undefined}
            error={problem?.field === field ? ta(problem.key) : undefined}
            errorTestId="change-password-error"
          />
        ))}

        {problem && problem.field === null && (
          <FormMessage tone="error" testId="change-password-error">
            {ta(problem.key)}
          </FormMessage>
        )}
        {done && (
          <FormMessage tone="success" testId="change-password-success">
            {t("changePasswordDone")}
          </FormMessage>
        )}

        <Button type="submit" size="lg" disabled={change.isPending} data-testid="change-password-submit">
          {change.isPending ? ta("submitting") : t("changePasswordSubmit")}
        </Button>
      </form>
    </AccountSection>
  );
}
