"use client";

import { useTranslations } from "next-intl";

import type { RouterOutputs } from "~/trpc/react";

type PurchaseStatus = RouterOutputs["billing"]["purchases"]["items"][number]["status"];

const COLORS: Record<PurchaseStatus, string> = {
  pending: "bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200",
  requires_action: "bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200",
  paid: "bg-green-100 text-green-800 dark:bg-green-900/60 dark:text-green-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
  expired: "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300",
  canceled: "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-300",
  refunded: "bg-purple-100 text-purple-800 dark:bg-purple-900/60 dark:text-purple-200",
  partially_refunded: "bg-purple-100 text-purple-800 dark:bg-purple-900/60 dark:text-purple-200",
  disputed: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
  dispute_won: "bg-green-100 text-green-800 dark:bg-green-900/60 dark:text-green-200",
  dispute_lost: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
};

export function StatusBadge({ status }: { status: PurchaseStatus }) {
  const t = useTranslations("billing.status");
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${COLORS[status]}`}>
      {t(status)}
    </span>
  );
}
