import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { InviteView } from "~/components/teams/invite-view";
import { inviteTokenInput } from "~/server/teams/contract";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("teams.accept");
  return { title: t("title") };
}

/** An invitation link. Signed out: sign in (or up) first and come back here. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const valid = inviteTokenInput.safeParse({ token }).success;
  if (!(await currentUser()))
    redirect(`/auth?callbackUrl=${encodeURIComponent(valid ? `/invite/${token}` : "/teams")}`);
  return <InviteView token={valid ? token : ""} valid={valid} />;
}
