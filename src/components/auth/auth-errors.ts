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
  | "errorCurrentPasswordWrong"
  | "errorSessionEnded"
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
export function signInProblem(
  result: { error?: string | null; code?: string | null } | undefined,
): FieldProblem | null {
  if (!result?.error) return null;
  if (result.code === "rate_limited") return { key: "errorRateLimited", field: null };
  if (result.error === "CredentialsSignin") return { key: "errorWrongCredentials", field: null };
  return { key: "errorGeneric", field: null };
}

type TrpcErrorData =
  | {
      code?: string;
      domainCode?: string | null;
      zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
    }
  | undefined;

/** The problem with a new password the server's zod schema rejected, if that is what it rejected. */
function newPasswordProblem(data: TrpcErrorData): AuthErrorKey | null {
  const password = data?.zodError?.fieldErrors?.password;
  if (password?.some((m) => m === WEAK_PASSWORD_MESSAGE)) return "errorPasswordGuessable";
  if (password?.length) return "errorPasswordWeak";
  return null;
}

export interface ChangePasswordProblem {
  key: AuthErrorKey;
  field: "currentPassword" | "password" | null;
}

/** Client-side checks for the change-password form, mirroring auth.changePassword's input schema. */
export function validateChangePassword(currentPassword: string, password: string): ChangePasswordProblem | null {
  if (!currentPassword) return { key: "errorPasswordRequired", field: "currentPassword" };
  if (password.length < MIN_PASSWORD) return { key: "errorPasswordWeak", field: "password" };
  return null;
}

/** auth.changePassword's tRPC error → message key. */
export function changePasswordProblem(error: unknown): ChangePasswordProblem {
  if (!(error instanceof TRPCClientError)) return { key: "errorGeneric", field: null };
  const data = error.data as TrpcErrorData;
  if (data?.code === "TOO_MANY_REQUESTS") return { key: "errorRateLimited", field: null };
  if (data?.code === "UNAUTHORIZED") return { key: "errorSessionEnded", field: null };
  if (data?.code === "BAD_REQUEST") {
    if (data.domainCode === "wrong_password") return { key: "errorCurrentPasswordWrong", field: "currentPassword" };
    const weak = newPasswordProblem(data);
    if (weak) return { key: weak, field: "password" };
  }
  return { key: "errorGeneric", field: null };
}

/** auth.signUp's tRPC error → message key. */
export function signUpProblem(error: unknown): FieldProblem {
  if (!(error instanceof TRPCClientError)) return { key: "errorGeneric", field: null };
  const data = error.data as TrpcErrorData;
  if (data?.code === "CONFLICT" && data.domainCode === "email_taken") return { key: "errorEmailTaken", field: "email" };
  if (data?.code === "TOO_MANY_REQUESTS") return { key: "errorRateLimited", field: null };
  if (data?.code === "BAD_REQUEST") {
    const weak = newPasswordProblem(data);
    if (weak) return { key: weak, field: "password" };
    if (data.zodError?.fieldErrors?.email?.length) return { key: "errorEmailInvalid", field: "email" };
  }
  return { key: "errorGeneric", field: null };
}
