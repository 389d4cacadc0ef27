"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { MAX_TEAM_NAME_CHARS } from "~/lib/teams";
import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

import { teamErrorKey } from "./team-errors";

/** The team's name as the server will store it, or why it cannot be one. */
export function teamNameProblem(name: string): "nameRequired" | "nameTooLong" | null {
  const trimmed = name.trim();
  if (!trimmed) return "nameRequired";
  if (trimmed.length > MAX_TEAM_NAME_CHARS) return "nameTooLong";
  return null;
}

export function CreateTeamForm() {
  const t = useTranslations("teams");
  const router = useRouter();
  const utils = api.useUtils();
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<"nameRequired" | "nameTooLong" | null>(null);
  const create = api.teams.create.useMutation({
    onSuccess: async (team) => {
      await utils.teams.list.invalidate();
      router.push(`/teams/${team.id}`);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = teamNameProblem(name);
    setProblem(found);
    if (!found) create.mutate({ name: name.trim() });
  }

  return (
    <section
      aria-labelledby="create-team-title"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="create-team-title" className="text-lg font-semibold">
        {t("create.title")}
      </h2>
      <form noValidate onSubmit={submit} className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-start">
        <TextField
          label={t("create.name")}
          name="teamName"
          data-testid="create-team-name"
          className="flex-1"
          value={name}
          maxLength={MAX_TEAM_NAME_CHARS + 20}
          autoComplete="off"
          onChange={(event) => setName(event.target.value)}
          error={problem ? t(`create.${problem}`, { max: MAX_TEAM_NAME_CHARS }) : undefined}
          errorTestId="create-team-error"
        />
        <Button
          type="submit"
          className="sm:mt-6"
          data-testid="create-team-submit"
          disabled={create.isPending || create.isSuccess}
          aria-busy={create.isPending}
        >
          {create.isPending ? t("create.creating") : t("create.submit")}
        </Button>
      </form>
      {create.isError && (
        <FormMessage tone="error" testId="create-team-failed" className="mt-3">
          {t(`error.${teamErrorKey(create.error)}`)}
        </FormMessage>
      )}
    </section>
  );
}
