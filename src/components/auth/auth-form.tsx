"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

import { signInProblem, signUpProblem, validateAuthForm, type FieldProblem } from "./auth-errors";

type Mode = "signin" | "signup";

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

  const fieldError = (field: FieldProblem["field"]) =>
    problem && problem.field === field ? t(problem.key) : undefined;

  return (
    <div className="mx-auto w-full max-w-sm py-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      <p className="mt-1 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>

      <div
        role="tablist"
        aria-label={t("title")}
        className="mt-6 flex gap-1 rounded-lg bg-gray-100 p-1 dark:bg-gray-800"
      >
        {(["signin", "signup"] as const).map((tab) => (
          <Button
            key={tab}
            variant="segment"
            className="flex-1"
            role="tab"
            aria-selected={mode === tab}
            data-testid={`auth-tab-${tab}`}
            onClick={() => switchMode(tab)}
          >
            {t(tab === "signin" ? "tabSignIn" : "tabSignUp")}
          </Button>
        ))}
      </div>

      <form noValidate onSubmit={onSubmit} className="mt-6 space-y-4" aria-busy={busy}>
        <TextField
          label={t("email")}
          type="email"
          name="email"
          autoComplete="email"
          data-testid="auth-email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError("email")}
          errorTestId="auth-error"
        />
        {mode === "signup" && (
          <TextField
            label={t("name")}
            type="text"
            name="name"
            autoComplete="name"
            maxLength={80}
            data-testid="auth-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
        <TextField
          label={t("password")}
          type="password"
          name="password"
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
          data-testid="auth-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={mode === "signup" ? t("passwordHint") : undefined}
          error={fieldError("password")}
          errorTestId="auth-error"
        />
        {mode === "signin" && (
          <Link
            href="/auth/reset"
            data-testid="auth-forgot"
            className="block text-sm text-blue-700 hover:underline dark:text-blue-300"
          >
            {tAccount("forgotPassword")}
          </Link>
        )}

        {problem && problem.field === null && (
          <FormMessage tone="error" testId="auth-error">
            {t(problem.key)}
          </FormMessage>
        )}

        <Button type="submit" size="lg" className="w-full" disabled={busy} data-testid="auth-submit">
          {busy ? t("submitting") : mode === "signup" ? t("submitSignUp") : t("submitSignIn")}
        </Button>
      </form>

      {(providers.data?.github || providers.data?.google) && (
        <div className="mt-6 space-y-3">
          <p className="text-center text-sm text-gray-500 dark:text-gray-400">{t("or")}</p>
          {(["github", "google"] as const)
            .filter((provider) => providers.data[provider])
            .map((provider) => (
              <Button
                key={provider}
                variant="secondary"
                size="lg"
                className="w-full"
                data-testid={`auth-${provider}`}
                onClick={() => void signIn(provider, { redirectTo: callbackUrl })}
              >
                {t(provider === "github" ? "withGithub" : "withGoogle")}
              </Button>
            ))}
        </div>
      )}
    </div>
  );
}
