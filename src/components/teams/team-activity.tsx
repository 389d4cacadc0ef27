"use client";

import { useFormatter, useTranslations } from "next-intl";

import { LoadMoreButton } from "~/components/ui/load-more-button";
import { api } from "~/trpc/react";

const PAGE = 20;

/** Admins: the team's audit log, newest first: who did what to whom. */
export function TeamActivity({ teamId }: { teamId: string }) {
  const t = useTranslations("teams");
  const tCommon = useTranslations("common");
  const format = useFormatter();
  const events = api.teams.events.useInfiniteQuery(
    { teamId, limit: PAGE },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section
      id="activity"
      aria-labelledby="activity-title"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="activity-title" className="text-lg font-semibold">
        {t("activity.title")}
      </h2>
      {events.isError && <p className="mt-2 text-sm text-red-700 dark:text-red-300">{t("loadError")}</p>}
      {events.data && items.length === 0 && (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-300">{t("activity.none")}</p>
      )}
      {items.length > 0 && (
        <ol className="mt-3 space-y-2">
          {items.map((event) => (
            <li key={event.id} data-testid="activity-row" data-action={event.action} className="text-sm">
              <span>
                {t(`activity.action.${event.action}`, {
                  actor: event.actorName ?? tCommon("appName"),
                  subject: event.subjectName ?? t("members.unnamed"),
                })}
              </span>{" "}
              <time
                dateTime={new Date(event.createdAt).toISOString()}
                className="text-xs text-gray-600 dark:text-gray-300"
              >
                {format.dateTime(event.createdAt, { dateStyle: "medium", timeStyle: "short" })}
              </time>
            </li>
          ))}
        </ol>
      )}
      {events.hasNextPage && (
        <LoadMoreButton
          testId="activity-more"
          loading={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        />
      )}
    </section>
  );
}
