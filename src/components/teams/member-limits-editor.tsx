"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { LIMIT_PERIODS, MAX_MEMBER_LIMIT, type MemberLimits } from "~/lib/teams";
import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

import { draftOf, parseLimits, type LimitDraft } from "./limit-input";
import { teamErrorKey } from "./team-errors";

/** Day/week/month limits for one member; blank = no limit. Validated here before the server sees it. */
export function MemberLimitsEditor({
  teamId,
  memberId,
  memberName,
  limits,
  onDone,
}: {
  teamId: string;
  memberId: string;
  memberName: string;
  limits: MemberLimits | null;
  onDone: () => void;
}) {
  const t = useTranslations("teams");
  const utils = api.useUtils();
  const [draft, setDraft] = useState<LimitDraft>(() => draftOf(limits));
  const [invalid, setInvalid] = useState<(keyof MemberLimits)[]>([]);
  const save = api.teams.setLimits.useMutation({
    onSuccess: async () => {
      await Promise.all([
        utils.teams.members.invalidate({ teamId }),
        utils.teams.get.invalidate({ teamId }),
        utils.teams.list.invalidate(),
        utils.teams.events.invalidate({ teamId }),
      ]);
      onDone();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseLimits(draft);
    if ("invalid" in parsed) {
      setInvalid(parsed.invalid);
      return;
    }
    setInvalid([]);
    save.mutate({ teamId, memberId, limits: parsed.limits });
  }

  return (
    <form
      noValidate
      onSubmit={submit}
      aria-label={t("members.limitsFor", { name: memberName })}
      data-testid="limits-editor"
      className="mt-3 rounded-lg bg-gray-50 p-3 dark:bg-gray-800/60"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        {LIMIT_PERIODS.map((period) => (
          <TextField
            key={period}
            label={t(`limitLabel.${period}`)}
            inputMode="numeric"
            autoComplete="off"
            placeholder={t("members.noLimit")}
            data-testid={`limit-input-${period}`}
            value={draft[period]}
            onChange={(event) => setDraft((d) => ({ ...d, [period]: event.target.value }))}
            error={invalid.includes(period) ? t("members.invalidLimit", { max: MAX_MEMBER_LIMIT }) : undefined}
            errorTestId={`limit-error-${period}`}
          />
        ))}
      </div>
      <p className="mt-2 text-xs text-gray-600 dark:text-gray-300">{t("members.blankHint")}</p>
      {save.isError && (
        <FormMessage tone="error" testId="limits-failed" className="mt-2">
          {t(`error.${teamErrorKey(save.error)}`)}
        </FormMessage>
      )}
      <div className="mt-3 flex gap-2">
        <Button type="submit" size="sm" data-testid="limits-save" disabled={save.isPending} aria-busy={save.isPending}>
          {t("members.saveLimits")}
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone}>
          {t("cancel")}
        </Button>
      </div>
    </form>
  );
}
