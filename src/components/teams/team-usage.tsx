"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";

import { usePackName } from "~/components/billing/pack-list";
import { HISTORY_PAGE, historyCursor } from "~/components/billing/history-section";
import { Button } from "~/components/ui/button";
import { LoadMoreButton } from "~/components/ui/load-more-button";
import { presetRange, RANGE_PRESETS, type RangePreset } from "~/lib/usage-range";
import { api, type RouterOutputs } from "~/trpc/react";

type Report = RouterOutputs["credits"]["usage"];
type Entry = RouterOutputs["credits"]["history"]["items"][number];
interface MemberSpend {
  userId: string | null;
  name: string | null;
  spent: number;
}

/** The team report's per-member breakdown (credits.usage with teamId adds it). */
function byMemberOf(report: Report): MemberSpend[] {
  const rows = (report as Report & { byMember?: MemberSpend[] }).byMember;
  return Array.isArray(rows) ? rows : [];
}

/** The member who caused a pool ledger row (credits.history with teamId names them); null when none is given. */
function memberOf(entry: Entry): { id: string | null; name: string | null } | null {
  const row = entry as Entry & { member?: { id?: string; name?: string | null } | null };
  return row.member ? { id: row.member.id ?? null, name: row.member.name ?? null } : null;
}

/**
 * How a member is named in the reports: their name, else what the member list shows for them (their
 * email, to admins), else "Unnamed member" (e.g. someone who has since left).
 */
function useMemberLabel(teamId: string) {
  const t = useTranslations("teams");
  const members = api.teams.members.useQuery({ teamId });
  const known = new Map(members.data?.map((m) => [m.userId, m.name ?? m.email]) ?? []);
  return (id: string | null, name: string | null) => name ?? (id && known.get(id)) ?? t("members.unnamed");
}

function Breakdown({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: { key: string; label: string; spent: number }[];
  testId: string;
}) {
  const t = useTranslations("teams");
  const max = Math.max(1, ...rows.map((r) => r.spent));
  return (
    <div data-testid={testId}>
      <h3 className="text-sm font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("usage.none")}</p>
      ) : (
        <ul className="mt-2 space-y-2">
          {rows.map((row) => (
            <li key={row.key} data-testid={`${testId}-row`} className="text-sm">
              <div className="flex justify-between gap-2">
                <span className="truncate">{row.label}</span>
                <span className="tabular-nums">{t("credits", { count: row.spent })}</span>
              </div>
              <div aria-hidden className="mt-1 h-1.5 rounded-full bg-gray-100 dark:bg-gray-800">
                <div className="h-full rounded-full bg-blue-600" style={{ width: `${(row.spent / max) * 100}%` }} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TeamLedger({ teamId }: { teamId: string }) {
  const memberLabel = useMemberLabel(teamId);
  const t = useTranslations("teams");
  const tBilling = useTranslations("billing");
  const tCommon = useTranslations("common");
  const tChat = useTranslations("chat");
  const format = useFormatter();
  const packName = usePackName();
  const query = api.credits.history.useInfiniteQuery({ ...HISTORY_PAGE, teamId }, historyCursor);
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  // A chat row names its conversation only when it is the caller's own (the server decides).
  const whoOf = (entry: Entry) => {
    const member = memberOf(entry);
    return member ? memberLabel(member.id, member.name) : tCommon("appName");
  };
  const what = (entry: Entry) =>
    entry.reason === "purchase" && entry.packId
      ? tBilling("entry.purchase", { pack: packName(entry.packId) })
      : entry.reason === "chat_usage" && entry.conversation
        ? tBilling("entry.chat", { title: entry.conversation.title || tChat("untitled") })
        : tBilling(`reason.${entry.reason}`);

  return (
    <div data-testid="team-ledger">
      <h3 className="text-sm font-semibold">{t("usage.ledger")}</h3>
      {query.isError && <p className="mt-1 text-sm text-red-700 dark:text-red-300">{t("loadError")}</p>}
      {query.data && items.length === 0 && (
        <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("usage.noLedger")}</p>
      )}
      {items.length > 0 && (
        <ul className="mt-2 divide-y divide-gray-100 rounded-lg border border-gray-200 dark:divide-gray-800 dark:border-gray-800">
          {items.map((entry) => (
            <li
              key={entry.id}
              data-testid="team-ledger-row"
              className="grid grid-cols-[1fr_auto] gap-x-3 px-3 py-2 text-sm"
            >
              <span className="min-w-0">
                <span className="block truncate font-medium">{what(entry)}</span>
                <span className="block truncate text-xs text-gray-600 dark:text-gray-300">
                  {t("usage.who", { name: whoOf(entry) })} ·{" "}
                  {format.dateTime(entry.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                </span>
              </span>
              <span
                className={`text-right tabular-nums ${entry.amount < 0 ? "" : "text-green-700 dark:text-green-300"}`}
              >
                {format.number(entry.amount, { signDisplay: "exceptZero" })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage && (
        <LoadMoreButton
          testId="team-ledger-more"
          loading={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        />
      )}
    </div>
  );
}

/** Admins: the pool's spend per member and per model over 7/30/90 days, and the pool's ledger. */
export function TeamUsage({ teamId }: { teamId: string }) {
  const t = useTranslations("teams");
  const [days, setDays] = useState<RangePreset>(30);
  const range = presetRange(days);
  const usage = api.credits.usage.useQuery({ ...range, teamId });
  const memberLabel = useMemberLabel(teamId);

  return (
    <section
      id="usage"
      aria-labelledby="usage-title"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="usage-title" className="text-lg font-semibold">
          {t("usage.title")}
        </h2>
        <div role="group" aria-label={t("usage.range")} className="flex gap-1">
          {RANGE_PRESETS.map((preset) => (
            <Button
              key={preset}
              variant={preset === days ? "primary" : "secondary"}
              size="xs"
              aria-pressed={preset === days}
              data-testid={`usage-range-${preset}`}
              onClick={() => setDays(preset)}
            >
              {t("usage.days", { count: preset })}
            </Button>
          ))}
        </div>
      </div>
      {usage.isError && <p className="mt-2 text-sm text-red-700 dark:text-red-300">{t("loadError")}</p>}
      {usage.data && (
        <>
          <p className="mt-2 text-sm" data-testid="usage-total">
            {t("usage.total", { count: usage.data.total })}
          </p>
          <div className="mt-4 grid gap-6 sm:grid-cols-2">
            <Breakdown
              title={t("usage.byMember")}
              testId="usage-by-member"
              rows={byMemberOf(usage.data).map((m) => ({
                key: m.userId ?? "none",
                label: memberLabel(m.userId, m.name),
                spent: m.spent,
              }))}
            />
            <Breakdown
              title={t("usage.byModel")}
              testId="usage-by-model"
              rows={usage.data.byModel.map((m) => ({
                key: m.model ?? "none",
                label: m.model ?? t("usage.unknownModel"),
                spent: m.spent,
              }))}
            />
          </div>
        </>
      )}
      <div className="mt-6">
        <TeamLedger teamId={teamId} />
      </div>
    </section>
  );
}
