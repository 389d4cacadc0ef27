import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { TeamsView } from "~/components/teams/teams-view";
import { api, HydrateClient } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("teams");
  return { title: t("title") };
}

export default async function TeamsPage() {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/teams");
  await api.teams.list.prefetch();
  return (
    <HydrateClient>
      <TeamsView />
    </HydrateClient>
  );
}
