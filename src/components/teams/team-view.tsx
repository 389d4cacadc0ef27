"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import type { ConfirmationOptions } from "~/components/billing/use-purchase-confirmation";
import { FormMessage } from "~/components/ui/form-message";
import type { PackId } from "~/lib/packs";
import { roleAtLeast } from "~/lib/teams";
import { api } from "~/trpc/react";

import { InviteSection } from "./invite-section";
import { MyLimits } from "./limit-use";
import { MembersSection } from "./members-section";
import { TeamActivity } from "./team-activity";
import { TeamBuy } from "./team-buy";
import { TeamCheckoutReturn, type CheckoutReturn } from "./team-checkout-return";
import { TeamHeader } from "./team-header";
import { TeamUsage } from "./team-usage";

export interface TeamViewProps {
  teamId: string;
  /** The signed-in user: their own row in the member list says "you" and offers Leave. */
  userId: string;
  checkout?: CheckoutReturn;
  /** `?pack=` from the paywall: that pack is highlighted and focused. */
  suggestedPack?: PackId | null;
  confirmation?: ConfirmationOptions;
}

const NO_RETURN: CheckoutReturn = { success: false, canceled: false, sessionId: null, checkoutRef: null };

/**
 * /teams/<id>. Every member sees the pool, their own limits and the members; owners and admins also
 * buy, invite, manage members and see usage and activity. The server enforces the same split.
 */
export function TeamView({ teamId, userId, checkout = NO_RETURN, suggestedPack = null, confirmation }: TeamViewProps) {
  const t = useTranslations("teams");
  const team = api.teams.get.useQuery({ teamId });

  if (team.isPending) return <div className="h-40 animate-pulse rounded-xl bg-gray-100 dark:bg-gray-900" aria-hidden />;
  if (team.isError || !team.data)
    return (
      <div className="space-y-3">
        <FormMessage tone="error" testId="team-error">
          {t(team.error?.data?.code === "NOT_FOUND" ? "notFound" : "loadError")}
        </FormMessage>
        <Link href="/teams" className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
          {t("backToTeams")}
        </Link>
      </div>
    );

  const admin = roleAtLeast(team.data.role, "admin");
  return (
    <div className="space-y-6">
      <Link
        href="/teams"
        className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-300"
        data-testid="back-to-teams"
      >
        {t("backToTeams")}
      </Link>
      <TeamCheckoutReturn teamId={teamId} checkout={checkout} confirmation={confirmation} />
      <TeamHeader team={team.data} />
      <MyLimits limits={team.data.limits} />
      {admin ? (
        <TeamBuy teamId={teamId} suggestedPack={suggestedPack} />
      ) : (
        <p className="text-sm text-gray-600 dark:text-gray-300" data-testid="member-buy-note">
          {t("buy.askAdmin")}
        </p>
      )}
      <MembersSection teamId={teamId} callerRole={team.data.role} userId={userId} />
      {admin && <InviteSection teamId={teamId} />}
      {admin && <TeamUsage teamId={teamId} />}
      {admin && <TeamActivity teamId={teamId} />}
    </div>
  );
}
