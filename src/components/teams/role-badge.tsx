"use client";

import { useTranslations } from "next-intl";

import type { TeamRoleName } from "~/lib/teams";

const TONES: Record<TeamRoleName, string> = {
  owner: "bg-purple-100 text-purple-900 dark:bg-purple-950 dark:text-purple-100",
  admin: "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100",
  member: "bg-gray-100 text-gray-800 dark:bg-gray-800 dark:text-gray-100",
};

export function RoleBadge({ role }: { role: TeamRoleName }) {
  const t = useTranslations("teams.role");
  return (
    <span data-testid="role-badge" className={`rounded-full px-2 py-0.5 text-xs font-medium ${TONES[role]}`}>
      {t(role)}
    </span>
  );
}
