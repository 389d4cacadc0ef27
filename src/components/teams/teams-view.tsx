"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

import { FormMessage } from "~/components/ui/form-message";
import { api } from "~/trpc/react";

import { CreateTeamForm } from "./create-team-form";
import { RoleBadge } from "./role-badge";

/** /teams: the caller's teams with each pool and what the caller may spend from it, and a form to create one. */
export function TeamsView() {
  const t = useTranslations("teams");
  const teams = api.teams.list.useQuery();

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
        <p className="mt-1 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>
      </div>

      {teams.isError && (
        <FormMessage tone="error" testId="teams-error">
          {t("loadError")}
        </FormMessage>
      )}
      {teams.isPending && <div className="h-24 animate-pulse rounded-xl bg-gray-100 dark:bg-gray-900" aria-hidden />}
      {teams.data?.length === 0 && (
        <p
          data-testid="teams-empty"
          className="rounded-xl border border-dashed border-gray-300 p-5 text-gray-700 dark:border-gray-700 dark:text-gray-200"
        >
          {t("empty")}
        </p>
      )}
      {teams.data && teams.data.length > 0 && (
        <ul aria-label={t("title")} className="grid gap-3 sm:grid-cols-2">
          {teams.data.map((team) => (
            <li key={team.id} data-testid="team-card">
              <Link
                href={`/teams/${team.id}`}
                className="block rounded-xl border border-gray-200 bg-white p-4 hover:border-blue-400 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-gray-800 dark:bg-gray-900 dark:hover:border-blue-500"
              >
                <span className="flex items-start justify-between gap-2">
                  <span className="min-w-0 truncate text-lg font-semibold">{team.name}</span>
                  <RoleBadge role={team.role} />
                </span>
                <span className="mt-1 block text-sm text-gray-600 dark:text-gray-300">
                  {t("list.members", { count: team.memberCount })}
                </span>
                <span className="mt-3 grid grid-cols-2 gap-2 text-sm">
                  <span>
                    <span className="block text-gray-600 dark:text-gray-300">{t("pool.balance")}</span>
                    <span className="font-semibold tabular-nums" data-testid="team-card-balance">
                      {t("credits", { count: team.balance })}
                    </span>
                  </span>
                  <span>
                    <span className="block text-gray-600 dark:text-gray-300">{t("pool.forYou")}</span>
                    <span className="font-semibold tabular-nums" data-testid="team-card-for-you">
                      {t("credits", { count: team.spendableForMe })}
                    </span>
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}

      <CreateTeamForm />
    </div>
  );
}
