import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { cache } from "react";

import { TeamView } from "~/components/teams/team-view";
import { isPackId } from "~/lib/packs";
import { api, HydrateClient } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

type Params = Promise<{ teamId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// The same shapes billing.confirm and billing.cancel accept (as on /billing); anything else is ignored.
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;
const CHECKOUT_REF = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The team's name, or null when the caller may not see it; once per request (metadata and page share it). */
const teamName = cache(async (teamId: string): Promise<string | null> => {
  try {
    return (await api.teams.get({ teamId })).name;
  } catch (error) {
    // Not a member, unknown or malformed: one answer for all, so nobody learns which teams exist.
    // Signed out (metadata runs before the page's redirect): no name either.
    if (error instanceof TRPCError && ["NOT_FOUND", "BAD_REQUEST", "UNAUTHORIZED"].includes(error.code)) return null;
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const t = await getTranslations("teams");
  const name = await teamName((await params).teamId);
  return { title: name ?? t("title") };
}

export default async function TeamPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { teamId } = await params;
  const user = await currentUser();
  if (!user) redirect(`/auth?callbackUrl=${encodeURIComponent(`/teams/${teamId}`)}`);
  if ((await teamName(teamId)) === null) notFound();
  // The members too, so a link to #members (the paywall's "Change limits") lands on the rendered list.
  await Promise.all([api.teams.get.prefetch({ teamId }), api.teams.members.prefetch({ teamId })]);
  const query = await searchParams;
  const sessionId = typeof query.session_id === "string" && SESSION_ID.test(query.session_id) ? query.session_id : null;
  const checkoutRef = typeof query.checkout === "string" && CHECKOUT_REF.test(query.checkout) ? query.checkout : null;
  return (
    <HydrateClient>
      <TeamView
        teamId={teamId}
        userId={user.id}
        checkout={{ success: query.success === "1", canceled: query.canceled === "1", sessionId, checkoutRef }}
        suggestedPack={isPackId(query.pack) ? query.pack : null}
      />
    </HydrateClient>
  );
}
