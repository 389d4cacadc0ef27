"use client";

import { useTranslations } from "next-intl";

import type { TeamRoleName } from "~/lib/teams";
import { FormMessage } from "~/components/ui/form-message";
import { api } from "~/trpc/react";

import { MemberRow } from "./member-row";

/** The member list (`#members`: the paywall's "Change limits" lands here). */
export function MembersSection({
  teamId,
  callerRole,
  userId,
}: {
  teamId: string;
  callerRole: TeamRoleName;
  userId: string;
}) {
  const t = useTranslations("teams");
  const members = api.teams.members.useQuery({ teamId });

  return (
    <section
      id="members"
      aria-labelledby="members-title"
      className="scroll-mt-20 rounded-xl border border-gray-200 bg-white dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="members-title" className="px-4 pt-4 text-lg font-semibold">
        {t("members.title")}
      </h2>
      {members.isError && (
        <FormMessage tone="error" testId="members-error" className="m-4">
          {t("loadError")}
        </FormMessage>
      )}
      {members.isPending && <div className="m-4 h-16 animate-pulse rounded bg-gray-100 dark:bg-gray-800" aria-hidden />}
      {members.data && (
        <ul className="mt-2 divide-y divide-gray-100 dark:divide-gray-800">
          {members.data.map((member) => (
            <MemberRow
              key={member.userId}
              teamId={teamId}
              member={member}
              callerRole={callerRole}
              isSelf={member.userId === userId}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
