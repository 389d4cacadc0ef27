"use client";

import { keepPreviousData } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { MAX_MESSAGE_CHARS } from "~/lib/chat-limits";
import { creditsToMoney } from "~/lib/money";
import { smallestPackCovering } from "~/lib/packs";
import { api, type RouterOutputs } from "~/trpc/react";
import { buttonClasses } from "~/components/ui/button";
import { usePackName } from "~/components/billing/pack-list";

import { managesTeam, teamBuyHref, teamLimitsHref, type MyTeam } from "./my-teams";

export const QUOTE_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * What the message being typed can cost, from the server's chat.quote (the hold rule itself):
 * at most (the hold) and likely, in credits and in money at the packs' price; a notice when older
 * messages are left out of the context; and, when the spendable balance does not cover the worst
 * case, a link to the smallest pack that does. For someone in a team it names the balance that
 * pays; a team's quote is what they can spend from its pool (within their own limits), and the
 * way out fits their role: an admin buys for the team or changes limits, a member asks an admin.
 */
export function QuoteLine({
  conversationId,
  modelId,
  payerTeamId,
  teams = [],
  content,
}: {
  conversationId: string | null;
  modelId: string | undefined;
  /** The payer picked here (absent: the conversation's remembered one; the quote says which it is). */
  payerTeamId?: string | null;
  /** The user's teams: names and roles for the balance the quote refers to. */
  teams?: MyTeam[];
  content: string;
}) {
  const t = useTranslations("chat");
  const format = useFormatter();
  const packName = usePackName();
  const text = useDebounced(content.trim(), QUOTE_DEBOUNCE_MS);
  const enabled = text.length > 0 && text.length <= MAX_MESSAGE_CHARS;
  const quote = api.chat.quote.useQuery(
    {
      content: text,
      kind: "send",
      ...(conversationId ? { conversationId } : {}),
      ...(modelId ? { modelId } : {}),
      ...(payerTeamId !== undefined ? { payerTeamId } : {}),
    },
    { enabled, placeholderData: keepPreviousData, retry: false },
  );
  // The packs price the quote in money and name the pack that covers it.
  const products = api.billing.products.useQuery(undefined, { staleTime: Infinity });
  const packs = products.data?.products ?? [];
  const data = enabled && content.trim() ? quote.data : undefined;
  if (!data) return null;

  const money = (credits: number) => {
    const value = creditsToMoney(credits, packs);
    // Below a cent, one significant digit ($0.004) rather than "$0.00".
    return (
      value &&
      format.number(value.amount, {
        style: "currency",
        currency: value.currency.toUpperCase(),
        ...(value.amount > 0 && value.amount < 0.01 ? { maximumSignificantDigits: 1 } : {}),
      })
    );
  };
  const maxMoney = money(data.maxCredits);
  const likelyMoney = money(data.likelyCredits);
  const counts = { max: format.number(data.maxCredits), likely: format.number(data.likelyCredits) };
  const pack = data.covers ? undefined : smallestPackCovering(packs, data.maxCredits - data.spendable);
  const team = data.payerTeamId ? teams.find((x) => x.id === data.payerTeamId) : undefined;
  const teamName = team?.name ?? t("someTeam");
  const numbers = { spendable: format.number(data.spendable), max: format.number(data.maxCredits) };

  return (
    <div className="mb-2 space-y-1 text-xs" data-testid="chat-quote-area">
      <p
        data-testid="chat-quote"
        data-max={data.maxCredits}
        data-likely={data.likelyCredits}
        className="text-gray-600 tabular-nums dark:text-gray-300"
      >
        {teams.length > 0 && (
          <span data-testid="chat-quote-payer" data-team={data.payerTeamId ?? ""} className="font-medium">
            {data.payerTeamId ? teamName : t("personalBalance")}
            {" · "}
          </span>
        )}
        {maxMoney && likelyMoney ? t("quoteWithMoney", { ...counts, maxMoney, likelyMoney }) : t("quote", counts)}
      </p>
      {data.covers && data.limit && (
        <p data-testid="chat-quote-limit" className="text-gray-600 tabular-nums dark:text-gray-300">
          {t("quoteLimitLeft", {
            period: data.limit.period,
            remaining: format.number(data.limit.remaining),
            limit: format.number(data.limit.limit),
          })}
        </p>
      )}
      {data.omittedTurns > 0 && (
        <p data-testid="chat-context-omitted" className="text-gray-600 dark:text-gray-300">
          {t("contextOmitted", { count: data.omittedTurns })}
        </p>
      )}
      {!data.covers && (
        <div
          data-testid="chat-quote-insufficient"
          className="flex flex-wrap items-center gap-x-2 rounded-md bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          {data.payerTeamId ? (
            <TeamWayOut
              teamId={data.payerTeamId}
              team={team}
              teamName={teamName}
              limit={data.limit ?? null}
              numbers={numbers}
              packId={pack?.id}
            />
          ) : (
            <>
              <span>{t("quoteInsufficient", numbers)}</span>
              {pack ? (
                <Link
                  href="/billing"
                  data-testid="chat-quote-pack"
                  data-pack={pack.id}
                  className={buttonClasses({ variant: "link", size: "sm" })}
                >
                  {t("quoteBuyPack", { pack: packName(pack.id), credits: format.number(pack.credits) })}
                </Link>
              ) : (
                <span>{t("quoteNoPack")}</span>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}

type QuoteLimit = NonNullable<RouterOutputs["chat"]["quote"]["limit"]>;

/** A team's quote that does not cover: the member's limit or the pool, and what the reader's role can do about it. */
function TeamWayOut({
  teamId,
  team,
  teamName,
  limit,
  numbers,
  packId,
}: {
  teamId: string;
  team: MyTeam | undefined;
  teamName: string;
  limit: QuoteLimit | null;
  numbers: { spendable: string; max: string };
  packId: string | undefined;
}) {
  const t = useTranslations("chat");
  const format = useFormatter();
  const admin = managesTeam(team);
  const link = buttonClasses({ variant: "link", size: "sm" });
  return (
    <>
      <span data-testid="chat-quote-team-short" data-limit={limit?.period ?? ""}>
        {limit
          ? t("quoteOverLimit", {
              period: limit.period,
              team: teamName,
              remaining: format.number(limit.remaining),
              max: numbers.max,
            })
          : t("quoteTeamInsufficient", { team: teamName, ...numbers })}
      </span>
      {admin && limit && (
        <Link href={teamLimitsHref(teamId)} data-testid="chat-quote-team-limits" className={link}>
          {t("quoteChangeLimits")}
        </Link>
      )}
      {admin && !limit && (
        <Link href={teamBuyHref(teamId, packId)} data-testid="chat-quote-team-buy" data-pack={packId} className={link}>
          {t("quoteBuyForTeam", { team: teamName })}
        </Link>
      )}
      {!admin && <span data-testid="chat-quote-ask-admin">{t("quoteAskAdmin")}</span>}
    </>
  );
}
