"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button, buttonClasses } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { api } from "~/trpc/react";

import { RoleBadge } from "./role-badge";
import { domainCodeOf, teamErrorKey } from "./team-errors";

type Unusable = "invalid" | "expired" | "revoked" | "accepted" | "wrongEmail";

/** invite_expired → "expired", …: a refusal from acceptInvite as one of the page's states. */
function unusableOf(error: unknown): Unusable | null {
  switch (domainCodeOf(error)) {
    case "invite_missing":
      return "invalid";
    case "invite_expired":
      return "expired";
    case "invite_revoked":
      return "revoked";
    case "invite_accepted":
      return "accepted";
    case "invite_wrong_email":
      return "wrongEmail";
    default:
      return null;
  }
}

function Card({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-lg rounded-xl border border-gray-200 bg-white p-6 dark:border-gray-800 dark:bg-gray-900">
      {children}
    </div>
  );
}

/** /invite/<token>: what the link offers (team, inviter, role), and Accept when the caller may use it. */
export function InviteView({ token, valid }: { token: string; valid: boolean }) {
  const t = useTranslations("teams.accept");
  const tTeams = useTranslations("teams");
  const router = useRouter();
  const preview = api.teams.previewInvite.useQuery({ token }, { enabled: valid, retry: false });
  const [switching, setSwitching] = useState(false);
  const accept = api.teams.acceptInvite.useMutation({
    onSuccess: ({ teamId }) => router.push(`/teams/${teamId}`),
  });

  const previewError = preview.error?.data?.code;
  const refused = accept.isError ? unusableOf(accept.error) : null;
  const unusable: Unusable | null = !valid
    ? "invalid"
    : previewError === "NOT_FOUND" || previewError === "BAD_REQUEST"
      ? "invalid"
      : (refused ??
        (preview.data && preview.data.state !== "open"
          ? preview.data.state
          : preview.data && !preview.data.emailMatches
            ? "wrongEmail"
            : null));

  return (
    <Card>
      <h1 className="text-xl font-bold tracking-tight">{t("title")}</h1>
      {valid && preview.isPending && (
        <div className="mt-4 h-16 animate-pulse rounded bg-gray-100 dark:bg-gray-800" aria-hidden />
      )}
      {preview.isError && !unusable && (
        <FormMessage tone="error" testId="invite-load-error" className="mt-4">
          {tTeams("loadError")}
        </FormMessage>
      )}
      {preview.data && (
        <dl className="mt-4 space-y-2 text-sm" data-testid="invite-preview">
          <div>
            <dt className="text-gray-600 dark:text-gray-300">{t("team")}</dt>
            <dd className="text-lg font-semibold" data-testid="invite-team">
              {preview.data.teamName}
            </dd>
          </div>
          <div>
            <dt className="text-gray-600 dark:text-gray-300">{t("invitedBy")}</dt>
            <dd data-testid="invite-inviter">{preview.data.invitedBy ?? t("someone")}</dd>
          </div>
          <div>
            <dt className="text-gray-600 dark:text-gray-300">{t("role")}</dt>
            <dd>
              <RoleBadge role={preview.data.role} />
            </dd>
          </div>
        </dl>
      )}
      {unusable && (
        <FormMessage tone="error" testId={`invite-state-${unusable}`} className="mt-4">
          {t(`state.${unusable}`, { email: preview.data?.email ?? "" })}
        </FormMessage>
      )}
      {!unusable && preview.data?.alreadyMember && (
        <FormMessage tone="success" testId="invite-already-member" className="mt-4">
          {t("alreadyMember")}
        </FormMessage>
      )}
      {accept.isError && !refused && (
        <FormMessage tone="error" testId="invite-accept-failed" className="mt-4">
          {tTeams(`error.${teamErrorKey(accept.error)}`)}
        </FormMessage>
      )}
      <div className="mt-6 flex flex-wrap gap-3">
        {!unusable && preview.data && !preview.data.alreadyMember && (
          <Button
            data-testid="invite-accept"
            disabled={accept.isPending || accept.isSuccess}
            aria-busy={accept.isPending}
            onClick={() => accept.mutate({ token })}
          >
            {accept.isPending || accept.isSuccess ? t("accepting") : t("accept")}
          </Button>
        )}
        {unusable === "wrongEmail" && (
          <Button
            data-testid="invite-switch-account"
            disabled={switching}
            onClick={() => {
              // Sign out here and come back to this link as the invited address.
              setSwitching(true);
              void signOut({ redirect: false }).then(() => {
                router.replace(`/auth?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`);
                router.refresh();
              });
            }}
          >
            {t("switchAccount")}
          </Button>
        )}
        <Link href="/teams" className={buttonClasses({ variant: "secondary" })}>
          {t("goToTeams")}
        </Link>
      </div>
    </Card>
  );
}
