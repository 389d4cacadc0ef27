"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";

import { api } from "~/trpc/react";

import { signInProblem, signUpProblem, validateAuthForm, type FieldProblem } from "./auth-errors";

type Mode = "signin" | "signup";

const input =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 aria-invalid:border-red-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

export function AuthForm({ initialMode, callbackUrl }: { initialMode: Mode; callbackUrl: string }) {
  const t = useTranslations("auth");
  const tAccount = useTranslations("account");
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(initialMode);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = api.auth.signUp.useMutation();
  const providers = api.auth.providers.useQuery(undefined, { retry: false, staleTime: Infinity });
  const errorId = useId();
  const hintId = useId();

  function switchMode(next: Mode) {
    setMode(next);
    setProblem(null);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const invalid = validateAuthForm(mode, email, password);
    setProblem(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      if (mode === "signup") {
        try {
          await signUp.mutateAsync({ email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) });
        } catch (error) {
          setProblem(signUpProblem(error));
          return;
        }
      }
      const result = await signIn("credentials", { email: email.trim(), password, redirect: false });
      const failed = signInProblem(result);
      if (failed) {
        setProblem(failed);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setProblem({ key: "errorGeneric", field: null });
    } finally {
      setBusy(false);
    }
  }

  const tabClass = (active: boolean) =>
    `flex-1 rounded-md px-3 py-2 text-sm font-medium ${
      active ? "bg-white text-gray-900 shadow-sm dark:bg-gray-700 dark:text-white" : "text-gray-600 hover:text-gray-900 dark:text-gray-300 dark:hover:text-white"
    }`;

  return (
    <div className="mx-auto w-full max-w-sm py-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      <p className="mt-1 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>

      <div role="tablist" aria-label={t("title")} className="mt-6 flex gap-1 rounded-lg bg-gray-100 p-1 dark:bg-gray-800">
        <button type="button" role="tab" aria-selected={mode === "signin"} data-testid="auth-tab-signin" className={tabClass(mode === "signin")} onClick={() => switchMode("signin")}>
          {t("tabSignIn")}
        </button>
        <button type="button" role="tab" aria-selected={mode === "signup"} data-testid="auth-tab-signup" className={tabClass(mode === "signup")} onClick={() => switchMode("signup")}>
          {t("tabSignUp")}
        </button>
      </div>

      <form noValidate onSubmit={onSubmit} className="mt-6 space-y-4" aria-busy={busy}>
        <label className="block text-sm font-medium">
          {t("email")}
          <input
            type="email"
            name="email"
            autoComplete="email"
            data-testid="auth-email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={problem?.field === "email" || undefined}
            aria-describedby={problem?.field === "email" ? errorId : undefined}
            className={input}
          />
        </label>
        {mode === "signup" && (
          <label className="block text-sm font-medium">
            {t("name")}
            <input type="text" name="name" autoComplete="name" maxLength={80} data-testid="auth-name" value={name} onChange={(e) => setName(e.target.value)} className={input} />
          </label>
        )}
        {/* The hint sits outside the label: the field's name is "Password", the hint its description. */}
        <div>
          <label className="block text-sm font-medium">
            {t("password")}
            <input
              type="password"
              name="password"
              autoComplete={mode === "signup" ? "new-password" : "current-password"}
              data-testid="auth-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={problem?.field === "password" || undefined}
              aria-describedby={[mode === "signup" ? hintId : null, problem?.field === "password" ? errorId : null].filter(Boolean).join(" ") || undefined}
              className={input}
            />
          </label>
          {mode === "signup" && (
            <p id={hintId} className="mt-1 text-xs text-gray-600 dark:text-gray-400">
              {t("passwordHint")}
            </p>
          )}
        </div>
        {mode === "signin" && (
          <Link href="/auth/reset" data-testid="auth-forgot" className="block text-sm text-blue-700 hover:underline dark:text-blue-300">
            {tAccount("forgotPassword")}
          </Link>
        )}

        {problem && (
          <p id={errorId} role="alert" data-testid="auth-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {t(problem.key)}
          </p>
        )}

        <button
          type="submit"
          disabled={busy}
          data-testid="auth-submit"
          className="w-full rounded-md bg-blue-600 px-4 py-2.5 font-medium text-white hover:bg-blue-700 disabled:opacity-60"
        >
          {busy ? t("submitting") : mode === "signup" ? t("submitSignUp") : t("submitSignIn")}
        </button>
      </form>

      {(providers.data?.github || providers.data?.google) && (
        <div className="mt-6 space-y-3">
          <p className="text-center text-sm text-gray-500 dark:text-gray-400">{t("or")}</p>
          {providers.data.github && (
            <button type="button" data-testid="auth-github" onClick={() => void signIn("github", { redirectTo: callbackUrl })} className="w-full rounded-md border border-gray-300 px-4 py-2 font-medium hover:bg-gray-50 dark:border-gray-700 dark:hover:bg-gray-900">
              {t("withGithub")}
            </button>
          )}
          {providers.data.google && (
            <button type="button" data-testid="auth-google" onClick={() => void signIn("google", { redirectTo: callbackUrl })} className="w-full rounded-md border border-gray-300 px-4 py-2 font-medium hover:bg-gray-50 dark:border-gray-700 dark:hover:bg-gray-900">
              {t("withGoogle")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
