"use client";

import { useFormatter, useTranslations } from "next-intl";

import { buttonClasses } from "~/components/ui/button";
import { minorToMajor } from "~/lib/money";
import { api, type RouterOutputs } from "~/trpc/react";

import { HISTORY_PAGE, HistorySection, historyCursor } from "./history-section";
import { usePackName } from "./pack-list";
import { StatusBadge } from "./status-badge";

type PurchaseRow = RouterOutputs["billing"]["purchases"]["items"][number];

/** The server sends only links it checked against Stripe's (or the emulator's) origin; this refuses anything but http(s) again. */
function linkable(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

const LINK = buttonClasses({ variant: "link", size: "xs", className: "px-1" });

/** Stripe's receipt page (a new tab; it shows refunds too) and, when Checkout made an invoice, its PDF. */
function ReceiptLinks({ purchase }: { purchase: PurchaseRow }) {
  const t = useTranslations("billing");
  const receipt = linkable(purchase.receiptUrl);
  const invoicePdf = linkable(purchase.invoicePdfUrl);
  if (!receipt && !invoicePdf) return null;
  return (
    <span className="flex items-center gap-1">
      {receipt && (
        <a href={receipt} target="_blank" rel="noopener noreferrer" data-testid="purchase-receipt" className={LINK}>
          {t("receipt")} <span className="sr-only">({t("opensInNewTab")})</span>
        </a>
      )}
      {invoicePdf && (
        <a href={invoicePdf} download rel="noopener noreferrer" data-testid="purchase-invoice-pdf" className={LINK}>
          {t("invoicePdf")}
        </a>
      )}
    </span>
  );
}

/** A top-up Tally charged on its own, and what set it off. */
function AutoTopUpLabel({ purchase }: { purchase: PurchaseRow }) {
  const t = useTranslations("autoTopUp");
  const format = useFormatter();
  return (
    <span className="text-gray-600 tabular-nums dark:text-gray-300" data-testid="purchase-auto-top-up">
      {t("row")}
      {purchase.triggerSpendable !== null &&
        ` · ${t("rowTrigger", { credits: format.number(purchase.triggerSpendable) })}`}
    </span>
  );
}

export function PurchaseHistory() {
  const t = useTranslations("billing");
  const format = useFormatter();
  const packName = usePackName();
  const query = api.billing.purchases.useInfiniteQuery(HISTORY_PAGE, historyCursor);

  return (
    <HistorySection kind="purchases" query={query}>
      {(p) => (
        <li
          key={p.id}
          data-testid="purchase-row"
          data-status={p.status}
          data-kind={p.kind}
          className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm"
        >
          <span className="min-w-24 font-medium">{packName(p.packId)}</span>
          {p.kind === "auto_top_up" && <AutoTopUpLabel purchase={p} />}
          <span className="text-gray-600 tabular-nums dark:text-gray-300">
            {t("perPack", { credits: format.number(p.credits) })}
          </span>
          <span className="tabular-nums">
            {format.number(minorToMajor(p.amountTotal, p.currency), {
              style: "currency",
              currency: p.currency.toUpperCase(),
            })}
          </span>
          <StatusBadge status={p.status} />
          <ReceiptLinks purchase={p} />
          <time dateTime={p.createdAt.toISOString()} className="ml-auto text-gray-500 dark:text-gray-400">
            {format.dateTime(p.createdAt, { dateStyle: "medium", timeStyle: "short" })}
          </time>
          {p.status === "failed" && p.failureMessage && (
            // The bank's words (a decline reason), as Stripe gave them.
            <span className="basis-full text-red-700 dark:text-red-300" data-testid="purchase-failure">
              {p.failureMessage}
            </span>
          )}
        </li>
      )}
    </HistorySection>
  );
}
