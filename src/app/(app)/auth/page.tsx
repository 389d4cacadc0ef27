import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { AuthForm } from "~/components/auth/auth-form";
import { safeCallbackUrl } from "~/lib/safe-callback-url";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("tabSignIn") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuthPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  if (await currentUser()) redirect(callbackUrl);
  return <AuthForm initialMode={params.mode === "signup" ? "signup" : "signin"} callbackUrl={callbackUrl} />;
}
