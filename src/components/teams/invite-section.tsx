"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { ASSIGNABLE_ROLES, type AssignableRole } from "~/lib/teams";
import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";

import { ConfirmButton } from "./confirm-button";
import { CopyLink } from "./copy-link";
import { teamErrorKey } from "./team-errors";

// The server validates for real (zod .email()); this only catches what is plainly not an address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const SELECT =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-gray-900 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

/** Invite by email and role: the mail is sent and the link shown to copy; pending invites can be revoked. */
export function InviteSection({ teamId }: { teamId: string }) {
  const t = useTranslations("teams");
  const format = useFormatter();
  const utils = api.useUtils();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<AssignableRole>("member");
  const [emailInvalid, setEmailInvalid] = useState(false);
  const invites = api.teams.invites.useQuery({ teamId });
  const invite = api.teams.invite.useMutation({
    onSuccess: async () => {
      setEmail("");
      await Promise.all([utils.teams.invites.invalidate({ teamId }), utils.teams.events.invalidate({ teamId })]);
    },
  });
  const revoke = api.teams.revokeInvite.useMutation({
    onSuccess: () =>
      Promise.all([utils.teams.invites.invalidate({ teamId }), utils.teams.events.invalidate({ teamId })]),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    const bad = !EMAIL.test(address);
    setEmailInvalid(bad);
    if (!bad) invite.mutate({ teamId, email: address, role });
  }

  return (
    <section
      id="invite"
      aria-labelledby="invite-title"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="invite-title" className="text-lg font-semibold">
        {t("invite.title")}
      </h2>
      <form noValidate onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <TextField
          label={t("invite.email")}
          type="email"
          autoComplete="off"
          data-testid="invite-email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={emailInvalid ? t("invite.emailInvalid") : undefined}
          errorTestId="invite-email-error"
        />
        <div>
          <label htmlFor="invite-role" className="block text-sm font-medium">
            {t("invite.role")}
          </label>
          <select
            id="invite-role"
            data-testid="invite-role"
            className={SELECT}
            value={role}
            onChange={(event) => setRole(event.target.value as AssignableRole)}
          >
            {ASSIGNABLE_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <Button
          type="submit"
          className="sm:mt-6"
          data-testid="invite-submit"
          disabled={invite.isPending}
          aria-busy={invite.isPending}
        >
          {invite.isPending ? t("invite.sending") : t("invite.submit")}
        </Button>
      </form>
      {invite.isError && (
        <FormMessage tone="error" testId="invite-failed" className="mt-3">
          {t(`error.${teamErrorKey(invite.error)}`)}
        </FormMessage>
      )}
      {invite.data && (
        <div className="mt-4 space-y-2" data-testid="invite-sent">
          <FormMessage tone="success">
            {t("invite.sent", { email: (invite.variables?.email ?? "").toLowerCase() })}
          </FormMessage>
          <CopyLink url={invite.data.inviteUrl} label={t("invite.linkLabel")} />
        </div>
      )}

      <h3 className="mt-6 text-sm font-semibold">{t("invite.pending")}</h3>
      {invites.isError && (
        <p className="mt-1 text-sm text-red-700 dark:text-red-300" data-testid="invites-error">
          {t("loadError")}
        </p>
      )}
      {invites.data?.length === 0 && (
        <p className="mt-1 text-sm text-gray-600 dark:text-gray-300" data-testid="invites-empty">
          {t("invite.none")}
        </p>
      )}
      {invites.data && invites.data.length > 0 && (
        <ul className="mt-2 divide-y divide-gray-100 dark:divide-gray-800">
          {invites.data.map((pending) => (
            <li
              key={pending.id}
              data-testid="invite-row"
              className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
            >
              <div className="min-w-0">
                <p className="truncate font-medium">{pending.email}</p>
                <p className="text-xs text-gray-600 dark:text-gray-300">
                  {t("invite.pendingDetail", {
                    role: t(`role.${pending.role}`),
                    expires: format.dateTime(pending.expiresAt, { dateStyle: "medium" }),
                  })}
                </p>
              </div>
              <ConfirmButton
                testId="invite-revoke"
                label={t("invite.revoke")}
                question={t("invite.revokeConfirm", { email: pending.email })}
                confirmLabel={t("invite.revoke")}
                busy={revoke.isPending}
                onConfirm={() => revoke.mutate({ teamId, inviteId: pending.id })}
              />
            </li>
          ))}
        </ul>
      )}
      {revoke.isError && (
        <FormMessage tone="error" testId="invite-revoke-failed" className="mt-2">
          {t(`error.${teamErrorKey(revoke.error)}`)}
        </FormMessage>
      )}
    </section>
  );
}
