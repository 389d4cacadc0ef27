"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { MAX_TEAM_NAME_CHARS, roleAtLeast } from "~/lib/teams";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/text-field";
import { api, type RouterOutputs } from "~/trpc/react";

import { teamNameProblem } from "./create-team-form";
import { RoleBadge } from "./role-badge";
import { teamErrorKey } from "./team-errors";

type Team = RouterOutputs["teams"]["get"];

function RenameForm({ team, onDone }: { team: Team; onDone: () => void }) {
  const t = useTranslations("teams");
  const utils = api.useUtils();
  const [name, setName] = useState(team.name);
  const [problem, setProblem] = useState<"nameRequired" | "nameTooLong" | null>(null);
  const rename = api.teams.rename.useMutation({
    onSuccess: async (updated) => {
      utils.teams.get.setData({ teamId: team.id }, updated);
      await Promise.all([utils.teams.list.invalidate(), utils.teams.events.invalidate({ teamId: team.id })]);
      onDone();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = teamNameProblem(name);
    setProblem(found);
    if (!found) rename.mutate({ teamId: team.id, name: name.trim() });
  }

  return (
    <form noValidate onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-start">
      <TextField
        label={t("rename.label")}
        data-testid="rename-input"
        className="flex-1"
        value={name}
        autoFocus
        onChange={(event) => setName(event.target.value)}
        error={
          problem
            ? t(`create.${problem}`, { max: MAX_TEAM_NAME_CHARS })
            : rename.isError
              ? t(`error.${teamErrorKey(rename.error)}`)
              : undefined
        }
        errorTestId="rename-error"
      />
      <div className="flex gap-2 sm:mt-6">
        <Button type="submit" size="sm" data-testid="rename-save" disabled={rename.isPending}>
          {t("save")}
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone}>
          {t("cancel")}
        </Button>
      </div>
    </form>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg bg-gray-50 px-3 py-2 dark:bg-gray-800/60">
      <dt className="text-xs text-gray-600 dark:text-gray-300">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The team's name (admins rename it in place), the caller's role and the pool's numbers. */
export function TeamHeader({ team }: { team: Team }) {
  const t = useTranslations("teams");
  const [renaming, setRenaming] = useState(false);
  const admin = roleAtLeast(team.role, "admin");

  return (
    <header className="space-y-4">
      {renaming ? (
        <RenameForm team={team} onDone={() => setRenaming(false)} />
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 truncate text-2xl font-bold tracking-tight" data-testid="team-name">
            {team.name}
          </h1>
          <RoleBadge role={team.role} />
          {admin && (
            <Button variant="link" size="xs" data-testid="rename-team" onClick={() => setRenaming(true)}>
              {t("rename.action")}
            </Button>
          )}
        </div>
      )}
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label={t("pool.title")}>
        <Stat label={t("pool.balance")} value={t("credits", { count: team.balance })} testId="pool-balance" />
        <Stat label={t("pool.held")} value={t("credits", { count: team.held })} testId="pool-held" />
        <Stat label={t("pool.spendable")} value={t("credits", { count: team.spendable })} testId="pool-spendable" />
        <Stat label={t("pool.forYou")} value={t("credits", { count: team.spendableForMe })} testId="pool-for-you" />
      </dl>
    </header>
  );
}
