import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { AccountView } from "~/components/account/account-view";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account");
  return { title: t("pageTitle") };
}

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect("/auth?callbackUrl=/account");
  return <AccountView email={user.email} />;
}
