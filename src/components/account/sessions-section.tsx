"use client";

import { useFormatter, useNow, useTranslations } from "next-intl";

import { Button } from "~/components/ui/button";
import { api } from "~/trpc/react";

import { useSignOut } from "./use-sign-out";
import { AccountSection } from "./account-section";

/** Every signed-in browser of the account, with a way to end one or all of them. */
export function SessionsSection() {
  const t = useTranslations("account");
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const utils = api.useUtils();
  const sessions = api.account.sessions.useQuery();
  const revoke = api.account.revokeSession.useMutation({ onSettled: () => utils.account.sessions.invalidate() });
  const { signingOut, signOut } = useSignOut();

  return (
    <AccountSection id="sessions-title" title={t("sessionsTitle")}>
      <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("sessionsHint")}</p>

      {sessions.isError && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
          {t("sessionsError")}
        </p>
      )}
      <ul
        className="mt-4 divide-y divide-gray-200 dark:divide-gray-800"
        data-testid="sessions-list"
        aria-busy={sessions.isPending}
      >
        {sessions.data?.map((session) => {
          const device =
            session.browser && session.os
              ? t("deviceOn", { browser: session.browser, os: session.os })
              : (session.browser ?? session.os ?? t("unknownDevice"));
          return (
            <li
              key={session.id}
              data-testid="session-row"
              data-current={session.current || undefined}
              className="flex items-center justify-between gap-3 py-3"
            >
              <div className="min-w-0">
                <p className="font-medium">
                  {device}
                  {session.current && (
                    <span className="ml-2 rounded bg-blue-100 px-1.5 py-0.5 text-xs font-medium text-blue-800 dark:bg-blue-950 dark:text-blue-200">
                      {t("thisDevice")}
                    </span>
                  )}
                </p>
                <p className="text-sm text-gray-500 dark:text-gray-400">
                  {t("lastSeen", { when: format.relativeTime(session.lastSeenAt, now) })} ·{" "}
                  {t("signedInOn", { date: format.dateTime(session.createdAt, { dateStyle: "medium" }) })}
                </p>
              </div>
              {!session.current && (
                <Button
                  variant="secondary"
                  size="sm"
                  className="shrink-0"
                  data-testid="session-revoke"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate({ id: session.id })}
                  aria-label={t("revokeLabel", { device })}
                >
                  {t("revoke")}
                </Button>
              )}
            </li>
          );
        })}
      </ul>

      <p className="mt-4 text-sm text-gray-600 dark:text-gray-300">{t("signOutEverywhereHint")}</p>
      <Button
        variant="secondary"
        className="mt-2"
        data-testid="account-sign-out-everywhere"
        disabled={signingOut}
        onClick={() => void signOut(true)}
      >
        {t("signOutEverywhere")}
      </Button>
    </AccountSection>
  );
}
