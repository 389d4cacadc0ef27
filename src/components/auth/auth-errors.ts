import { TRPCClientError } from "@trpc/client";

import { WEAK_PASSWORD_MESSAGE } from "~/lib/password-rules";

export type AuthErrorKey =
  | "errorEmailRequired"
  | "errorEmailInvalid"
  | "errorPasswordRequired"
  | "errorPasswordWeak"
  | "errorPasswordGuessable"
  | "errorWrongCredentials"
  | "errorEmailTaken"
  | "errorRateLimited"
  | "errorGeneric";

export interface FieldProblem {
  key: AuthErrorKey;
  field: "email" | "password" | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 10;

/** Client-side checks that mirror the server's zod schema, so most mistakes never leave the page. */
export function validateAuthForm(mode: "signin" | "signup", email: string, password: string): FieldProblem | null {
  if (!email.trim()) return { key: "errorEmailRequired", field: "email" };
  if (!EMAIL.test(email.trim())) return { key: "errorEmailInvalid", field: "email" };
  if (!password) return { key: "errorPasswordRequired", field: "password" };
  if (mode === "signup" && password.length < MIN_PASSWORD) return { key: "errorPasswordWeak", field: "password" };
  return null;
}

/** next-auth's signIn result → message key. */
export function signInProblem(result: { error?: string | null; code?: string | null } | undefined): FieldProblem | null {
  if (!result?.error) return null;
  if (result.code === "rate_limited") return { key: "errorRateLimited", field: null };
  if (result.error === "CredentialsSignin") return { key: "errorWrongCredentials", field: null };
  return { key: "errorGeneric", field: null };
}

/** auth.signUp's tRPC error → message key. */
export function signUpProblem(error: unknown): FieldProblem {
  if (!(error instanceof TRPCClientError)) return { key: "errorGeneric", field: null };
  const data = error.data as
    | { code?: string; domainCode?: string | null; zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null }
    | undefined;
  if (data?.code === "CONFLICT" && data.domainCode === "email_taken") return { key: "errorEmailTaken", field: "email" };
  if (data?.code === "TOO_MANY_REQUESTS") return { key: "errorRateLimited", field: null };
  if (data?.code === "BAD_REQUEST") {
    const password = data.zodError?.fieldErrors?.password;
    if (password?.some((m) => m === WEAK_PASSWORD_MESSAGE)) return { key: "errorPasswordGuessable", field: "password" };
    if (password?.length) return { key: "errorPasswordWeak", field: "password" };
    if (data.zodError?.fieldErrors?.email?.length) return { key: "errorEmailInvalid", field: "email" };
  }
  return { key: "errorGeneric", field: null };
}
