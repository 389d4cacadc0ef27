"use client";

import { useFormatter, useTranslations } from "next-intl";

import { minorToMajor } from "~/lib/money";
import type { RouterOutputs } from "~/trpc/react";

export type Product = RouterOutputs["billing"]["products"]["products"][number];

/** "$15.00" in the user's locale. */
export function useFormatMoney() {
  const format = useFormatter();
  return (amount: number, currency: string) =>
    format.number(minorToMajor(amount, currency), { style: "currency", currency: currency.toUpperCase() });
}

/**
 * "When your balance drops below 5,000 credits we'll charge $15.00 for 200,000 credits, at most 3 times a
 * month (up to $45.00)": the setting in one sentence, for the form (live) and the panel when on.
 */
export function useAutoTopUpSummary() {
  const t = useTranslations("autoTopUp");
  const format = useFormatter();
  const money = useFormatMoney();
  return (threshold: number, product: Product, monthlyLimit: number) =>
    t("summary", {
      threshold: format.number(threshold),
      price: money(product.unitAmount, product.currency),
      credits: format.number(product.credits),
      limit: monthlyLimit,
      total: money(product.unitAmount * monthlyLimit, product.currency),
    });
}
