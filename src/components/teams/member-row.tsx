"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { ASSIGNABLE_ROLES, LIMIT_PERIODS, roleAtLeast, type AssignableRole, type TeamRoleName } from "~/lib/teams";
import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { api, type RouterOutputs } from "~/trpc/react";

import { ConfirmButton } from "./confirm-button";
import { LimitMeter } from "./limit-use";
import { MemberLimitsEditor } from "./member-limits-editor";
import { RoleBadge } from "./role-badge";
import { teamErrorKey } from "./team-errors";

type Member = RouterOutputs["teams"]["members"][number];

const SELECT =
  "rounded-md border border-gray-300 bg-white px-2 py-1 text-sm text-gray-900 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

/**
 * One member: who, role (admins change admin/member; the owner's is fixed), limits and their use,
 * and what the caller may do to them: remove (admins, not the owner), transfer ownership (the owner),
 * leave (themselves, unless owner).
 */
export function MemberRow({
  teamId,
  member,
  callerRole,
  isSelf,
}: {
  teamId: string;
  member: Member;
  callerRole: TeamRoleName;
  isSelf: boolean;
}) {
  const t = useTranslations("teams");
  const router = useRouter();
  const utils = api.useUtils();
  const [editing, setEditing] = useState(false);
  const admin = roleAtLeast(callerRole, "admin");
  const name = member.name ?? member.email ?? t("members.unnamed");
  const refresh = () =>
    Promise.all([
      utils.teams.members.invalidate({ teamId }),
      utils.teams.get.invalidate({ teamId }),
      utils.teams.list.invalidate(),
      utils.teams.events.invalidate({ teamId }),
    ]);

  const setRole = api.teams.setRole.useMutation({ onSuccess: refresh });
  const remove = api.teams.removeMember.useMutation({ onSuccess: refresh });
  const transfer = api.teams.transferOwnership.useMutation({ onSuccess: refresh });
  const leave = api.teams.leave.useMutation({
    onSuccess: async () => {
      await utils.teams.list.invalidate();
      router.push("/teams");
    },
  });
  const failed = [setRole, remove, transfer, leave].find((m) => m.isError)?.error;
  const canChange = admin && member.role !== "owner" && !isSelf;

  return (
    <li data-testid="member-row" data-member-id={member.userId} className="px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            <span className="truncate" data-testid="member-name">
              {name}
            </span>
            {isSelf && <span className="text-xs text-gray-600 dark:text-gray-300">{t("members.you")}</span>}
          </p>
          {member.email && member.name && (
            <p className="truncate text-sm text-gray-600 dark:text-gray-300" data-testid="member-email">
              {member.email}
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {canChange ? (
            <select
              aria-label={t("members.roleOf", { name })}
              data-testid="member-role-select"
              className={SELECT}
              value={member.role}
              disabled={setRole.isPending}
              onChange={(event) =>
                setRole.mutate({ teamId, memberId: member.userId, role: event.target.value as AssignableRole })
              }
            >
              {ASSIGNABLE_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`role.${role}`)}
                </option>
              ))}
            </select>
          ) : (
            <RoleBadge role={member.role} />
          )}
          {admin && !editing && (
            <Button variant="secondary" size="xs" data-testid="member-edit-limits" onClick={() => setEditing(true)}>
              {t("members.editLimits")}
            </Button>
          )}
          {canChange && (
            <ConfirmButton
              testId="member-remove"
              label={t("members.remove")}
              question={t("members.removeConfirm", { name })}
              confirmLabel={t("members.remove")}
              busy={remove.isPending}
              onConfirm={() => remove.mutate({ teamId, memberId: member.userId })}
            />
          )}
          {callerRole === "owner" && !isSelf && (
            <ConfirmButton
              testId="member-transfer"
              label={t("members.transfer")}
              question={t("members.transferConfirm", { name })}
              confirmLabel={t("members.transfer")}
              busy={transfer.isPending}
              onConfirm={() => transfer.mutate({ teamId, memberId: member.userId })}
            />
          )}
          {isSelf && member.role !== "owner" && (
            <ConfirmButton
              testId="member-leave"
              label={t("members.leave")}
              question={t("members.leaveConfirm")}
              confirmLabel={t("members.leave")}
              busy={leave.isPending}
              onConfirm={() => leave.mutate({ teamId })}
            />
          )}
        </div>
      </div>

      {member.limits && (
        <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs" data-testid="member-limits">
          {LIMIT_PERIODS.map((period) => {
            const limit = member.limits?.[period];
            return (
              <li key={period} data-testid={`member-limit-${period}`}>
                <span className="text-gray-600 dark:text-gray-300">{t(`limitLabel.${period}`)}</span>{" "}
                <span className="font-medium tabular-nums">
                  {limit == null ? t("members.noLimit") : t("credits", { count: limit })}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {member.use && member.use.length > 0 && (
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          {member.use.map((use) => (
            <LimitMeter key={use.period} use={use} compact />
          ))}
        </div>
      )}
      {member.spentThisMonth !== null && (
        <p className="mt-1 text-xs text-gray-600 tabular-nums dark:text-gray-300" data-testid="member-spent-month">
          {t("members.spentThisMonth", { count: member.spentThisMonth })}
        </p>
      )}
      {isSelf && member.role === "owner" && (
        <p className="mt-1 text-xs text-gray-600 dark:text-gray-300">{t("members.ownerCannotLeave")}</p>
      )}
      {editing && (
        <MemberLimitsEditor
          teamId={teamId}
          memberId={member.userId}
          memberName={name}
          limits={member.limits}
          onDone={() => setEditing(false)}
        />
      )}
      {failed && (
        <FormMessage tone="error" testId="member-action-failed" className="mt-2">
          {t(`error.${teamErrorKey(failed)}`)}
        </FormMessage>
      )}
    </li>
  );
}
