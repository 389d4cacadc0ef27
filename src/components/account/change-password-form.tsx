"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";

import { changePasswordProblem, validateChangePassword, type ChangePasswordProblem } from "~/components/auth/auth-errors";
import { api } from "~/trpc/react";

const input =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 aria-invalid:border-red-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

/** Change the password of the signed-in account; the server signs out every other session. */
export function ChangePasswordForm({ email }: { email: string | null }) {
  const t = useTranslations("account");
  const ta = useTranslations("auth");
  const change = api.auth.changePassword.useMutation();
  const [currentPassword, setCurrentPassword] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<ChangePasswordProblem | null>(null);
  const [done, setDone] = useState(false);
  const errorId = useId();
  const hintId = useId();

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

  const describedBy = (field: ChangePasswordProblem["field"], ...ids: string[]) =>
    [...ids, problem?.field === field ? errorId : null].filter(Boolean).join(" ") || undefined;

  return (
    <section aria-labelledby="change-password-title" className="rounded-lg border border-gray-200 p-5 dark:border-gray-700">
      <h2 id="change-password-title" className="text-lg font-semibold">
        {t("changePasswordTitle")}
      </h2>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={change.isPending}>
        {/* Lets password managers tie the new password to the right account. */}
        {email && <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />}
        <label className="block text-sm font-medium">
          {t("currentPassword")}
          <input
            type="password"
            name="current-password"
            autoComplete="current-password"
            data-testid="change-password-current"
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
            aria-invalid={problem?.field === "currentPassword" || undefined}
            aria-describedby={describedBy("currentPassword")}
            className={input}
          />
        </label>
        <label className="block text-sm font-medium">
          {t("newPassword")}
          <input
            type="password"
            name="new-password"
            autoComplete="new-password"
            data-testid="change-password-new"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={problem?.field === "password" || undefined}
            aria-describedby={describedBy("password", hintId)}
            className={input}
          />
          <span id={hintId} className="mt-1 block text-xs font-normal text-gray-500 dark:text-gray-400">
            {ta("passwordHint")}
          </span>
        </label>

        {problem && (
          <p id={errorId} role="alert" data-testid="change-password-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {ta(problem.key)}
          </p>
        )}
        {done && (
          <p role="status" data-testid="change-password-success" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200">
            {t("changePasswordDone")}
          </p>
        )}

        <button
          type="submit"
          disabled={change.isPending}
          data-testid="change-password-submit"
          className="rounded-md bg-blue-600 px-4 py-2.5 font-medium text-white hover:bg-blue-700 disabled:opacity-60"
        >
          {change.isPending ? ta("submitting") : t("changePasswordSubmit")}
        </button>
      </form>
    </section>
  );
}
