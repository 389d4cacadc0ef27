"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { conversationPath } from "~/components/chat/conversation-path";
import { useModelName } from "~/components/chat/model-name";
import { buttonClasses, Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import {
  MAX_RANGE_DAYS,
  parseUtcDay,
  RANGE_PRESETS,
  rangeProblem,
  type RangeProblem,
  type ResolvedRange,
} from "~/lib/usage-range";
import { api, type RouterOutputs } from "~/trpc/react";

type Usage = RouterOutputs["credits"]["usage"];

/** The ledger download (src/app/api/credits/ledger.csv/route.ts). */
export const LEDGER_CSV_PATH = "/api/credits/ledger.csv";

// recharts is heavy: the chart arrives after the page, in a box of fixed height so nothing jumps.
const SpentBars = dynamic(() => import("./spent-bars").then((m) => m.SpentBars), {
  ssr: false,
  loading: () => <div aria-hidden className="h-full animate-pulse rounded bg-gray-100 dark:bg-gray-900" />,
});

const PROBLEM_KEYS = {
  invalid_date: "errorInvalidDate",
  from_after_to: "errorFromAfterTo",
  too_long: "errorTooLong",
} as const satisfies Record<RangeProblem, string>;

const SECTION = "mt-8";
const CARD = "mt-3 rounded-lg border border-gray-200 dark:border-gray-800";

function RangePicker({ range }: { range: ResolvedRange }) {
  const t = useTranslations("usage");
  const router = useRouter();
  const [problem, setProblem] = useState<RangeProblem | null>(range.problem);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);

  // Without JavaScript the form still works: a GET to this page with ?from=&to=, checked on the server.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = rangeProblem({ from, to });
    setProblem(next);
    if (!next) router.push(`/billing/usage?${new URLSearchParams({ from, to }).toString()}`);
  };

  return (
    <section aria-labelledby="range-title" className="mt-6">
      <h2 id="range-title" className="sr-only">
        {t("rangeLabel")}
      </h2>
      <nav aria-label={t("rangeLabel")} className="flex flex-wrap gap-2">
        {RANGE_PRESETS.map((days) => (
          <Link
            key={days}
            href={`/billing/usage?days=${days}`}
            data-testid={`usage-preset-${days}`}
            aria-current={range.preset === days ? "page" : undefined}
            className={buttonClasses({ variant: range.preset === days ? "primary" : "secondary", size: "sm" })}
          >
            {t("lastDays", { days })}
          </Link>
        ))}
      </nav>
      <form
        method="get"
        action="/billing/usage"
        onSubmit={submit}
        noValidate
        className="mt-4 flex flex-wrap items-end gap-3"
        aria-label={t("custom")}
        data-testid="usage-custom-range"
      >
        <TextField
          label={t("fromLabel")}
          type="date"
          name="from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          invalid={problem !== null}
          aria-describedby={problem ? "usage-range-error" : undefined}
          data-testid="usage-from"
        />
        <TextField
          label={t("toLabel")}
          type="date"
          name="to"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          invalid={problem !== null}
          aria-describedby={problem ? "usage-range-error" : undefined}
          data-testid="usage-to"
        />
        <Button type="submit" variant="secondary" data-testid="usage-apply" className="mb-px">
          {t("apply")}
        </Button>
      </form>
      {problem && (
        <div id="usage-range-error" className="mt-3">
          <FormMessage tone="error" testId="usage-range-error">
            {t(PROBLEM_KEYS[problem], { max: MAX_RANGE_DAYS })}
          </FormMessage>
        </div>
      )}
      <p className="mt-2 text-xs text-gray-600 dark:text-gray-400">{t("utcNote")}</p>
    </section>
  );
}

function Breakdowns({ usage }: { usage: Usage }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  const row = "flex items-baseline justify-between gap-4 px-4 py-2.5 text-sm";
  const amount = (n: number) => <span className="shrink-0 font-medium tabular-nums">{format.number(n)}</span>;
  const name = useModelName();
  const { data: models } = api.chat.models.useQuery(undefined, { staleTime: Infinity });
  // A model no longer offered keeps its stored id.
  const modelName = (id: string) => {
    const offer = models?.find((m) => m.id === id);
    return offer ? name(offer) : <code className="font-mono text-[0.95em]">{id}</code>;
  };

  return (
    <>
      <section aria-labelledby="usage-models-title" className={SECTION}>
        <h2 id="usage-models-title" className="text-lg font-semibold">
          {t("byModel")}
        </h2>
        <ul className={`${CARD} divide-y divide-gray-200 dark:divide-gray-800`} data-testid="usage-by-model">
          {usage.byModel.map((m) => (
            <li key={m.model ?? ""} className={row} data-model={m.model ?? ""} data-spent={m.spent}>
              <span className="min-w-0 truncate">
                {m.model ? modelName(m.model) : t("unknownModel")}
                <span className="ml-2 text-xs text-gray-600 dark:text-gray-400">
                  {t("replies", { count: m.replies })}
                </span>
              </span>
              {amount(m.spent)}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="usage-conversations-title" className={SECTION}>
        <h2 id="usage-conversations-title" className="text-lg font-semibold">
          {t("byConversation")}
        </h2>
        <ul className={`${CARD} divide-y divide-gray-200 dark:divide-gray-800`} data-testid="usage-by-conversation">
          {usage.byConversation.map((c) => (
            <li key={c.id ?? ""} className={row} data-conversation={c.id ?? ""} data-spent={c.spent}>
              <span className="min-w-0 truncate">
                {c.id ? (
                  <Link href={conversationPath(c.id)} className="text-blue-700 hover:underline dark:text-blue-300">
                    {c.title?.trim() || t("untitled")}
                  </Link>
                ) : (
                  <span className="text-gray-600 italic dark:text-gray-400">{t("deletedConversation")}</span>
                )}
                <span className="ml-2 text-xs text-gray-600 dark:text-gray-400">
                  {t("replies", { count: c.replies })}
                </span>
              </span>
              {amount(c.spent)}
            </li>
          ))}
          {usage.otherConversations.spent > 0 && (
            <li className={row} data-conversation="other" data-spent={usage.otherConversations.spent}>
              <span className="text-gray-600 dark:text-gray-400">
                {t("otherConversations", { count: usage.otherConversations.count })}
              </span>
              {amount(usage.otherConversations.spent)}
            </li>
          )}
        </ul>
      </section>
    </>
  );
}

export function UsageView({ range }: { range: ResolvedRange }) {
  const t = useTranslations("usage");
  const format = useFormatter();
  const valid = range.problem === null;
  const usage = api.credits.usage.useQuery({ from: range.from, to: range.to }, { enabled: valid });
  const data = usage.data;

  return (
    <div>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
          <p className="mt-1 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>
        </div>
        <div className="flex flex-col items-start gap-1 sm:items-end">
          {/* A plain link: the browser streams the file straight to disk. */}
          <a
            href={LEDGER_CSV_PATH}
            download
            data-testid="usage-download"
            className={buttonClasses({ variant: "secondary" })}
          >
            {t("download")}
          </a>
          <p className="max-w-xs text-xs text-gray-600 sm:text-right dark:text-gray-400">{t("downloadHint")}</p>
        </div>
      </div>
      <Link href="/billing" className="mt-2 inline-block text-sm text-blue-700 hover:underline dark:text-blue-300">
        {t("backToBilling")}
      </Link>

      <RangePicker key={`${range.from}_${range.to}_${range.problem ?? ""}`} range={range} />

      {valid && (
        <>
          <section aria-labelledby="usage-total-title" className={SECTION}>
            <h2 id="usage-total-title" className="text-sm font-medium text-gray-600 dark:text-gray-300">
              {t("total")}
            </h2>
            <p className="mt-1 text-xs text-gray-600 dark:text-gray-400">
              {format.dateTimeRange(parseUtcDay(range.from)!, parseUtcDay(range.to)!, { dateStyle: "medium" })}
            </p>
            {usage.isError ? (
              <p className="mt-3 text-sm text-red-700 dark:text-red-300">{t("error")}</p>
            ) : (
              <p
                className="mt-1 text-3xl font-bold tabular-nums"
                data-testid="usage-total"
                data-total={data ? data.total : undefined}
                aria-busy={!data}
              >
                {data ? format.number(data.total) : "…"}
                {data && (
                  <span className="ml-3 text-sm font-normal text-gray-600 dark:text-gray-400">
                    {t("replies", { count: data.replies })}
                  </span>
                )}
              </p>
            )}
          </section>

          <section aria-labelledby="usage-days-title" className={SECTION}>
            <h2 id="usage-days-title" className="text-lg font-semibold">
              {t("byDay")}
            </h2>
            <div className={`${CARD} relative h-60 p-2 text-gray-600 dark:text-gray-400`} data-testid="usage-chart">
              {!data ? (
                <div aria-hidden className="h-full animate-pulse rounded bg-gray-100 dark:bg-gray-900" />
              ) : data.total === 0 ? (
                // Nothing to draw: the chart's code is not even loaded.
                <p className="flex h-full items-center justify-center text-sm" data-testid="usage-empty">
                  {t("empty")}
                </p>
              ) : (
                <SpentBars data={data.byDay} label={t("spent")} />
              )}
            </div>
          </section>

          {data && data.total > 0 && <Breakdowns usage={data} />}
        </>
      )}
    </div>
  );
}
