"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";

import { api } from "~/trpc/react";

import type { MyTeam } from "./my-teams";

const PERSONAL = "";

/**
 * Which balance pays this conversation's next message: the user's own or one of their teams' pools,
 * each with what the user can spend from it now (for a pool: within their own limits). A native,
 * labelled <select>, shown only to someone in at least one team.
 */
export function PayerPicker({
  teams,
  value,
  onChange,
}: {
  teams: MyTeam[];
  /** A team's id, or null for the user's own balance. */
  value: string | null;
  onChange: (teamId: string | null) => void;
}) {
  const t = useTranslations("chat");
  const id = useId();
  const balance = api.credits.balance.useQuery();
  if (teams.length === 0) return null;

  return (
    <div className="flex min-w-0 items-center gap-2 text-xs">
      <label htmlFor={id} className="shrink-0 font-medium text-gray-700 dark:text-gray-300">
        {t("payerLabel")}
      </label>
      <select
        id={id}
        data-testid="chat-payer-picker"
        value={value ?? PERSONAL}
        onChange={(e) => onChange(e.target.value === PERSONAL ? null : e.target.value)}
        className="min-w-0 flex-1 truncate rounded-md border border-gray-300 bg-white px-2 py-1 text-xs text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100"
      >
        <option value={PERSONAL} data-testid="chat-payer-option-personal">
          {balance.data ? t("payerPersonal", { credits: balance.data.spendable }) : t("personalBalance")}
        </option>
        {teams.map((team) => (
          <option key={team.id} value={team.id} data-testid={`chat-payer-option-${team.id}`}>
            {t("payerTeam", { team: team.name, credits: team.spendableForMe })}
          </option>
        ))}
      </select>
    </div>
  );
}
