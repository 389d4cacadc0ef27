"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { BillingBanner } from "~/components/billing/billing-banner";
import { PackList, PackListSkeleton } from "~/components/billing/pack-list";
import type { PackId } from "~/lib/packs";
import { api } from "~/trpc/react";

import { domainCodeOf } from "./team-errors";

/** The same pack cards as /billing, bought for the team's pool (owners and admins only). */
export function TeamBuy({ teamId, suggestedPack }: { teamId: string; suggestedPack: PackId | null }) {
  const t = useTranslations("teams.buy");
  const products = api.billing.products.useQuery();
  const [failed, setFailed] = useState<"error" | "unavailable" | null>(null);
  const unavailable = products.data?.mode === "unavailable" || failed === "unavailable";

  return (
    <section
      id="buy"
      aria-labelledby="team-buy-title"
      className="rounded-xl border border-gray-200 bg-white p-5 dark:border-gray-800 dark:bg-gray-900"
    >
      <h2 id="team-buy-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="mt-1 mb-4 text-sm text-gray-600 dark:text-gray-300">{t("hint")}</p>
      {unavailable && (
        <BillingBanner tone="warning" testId="team-buy-unavailable">
          {t("unavailable")}
        </BillingBanner>
      )}
      {(failed === "error" || products.isError) && (
        <BillingBanner tone="error" testId="team-buy-error" onDismiss={failed ? () => setFailed(null) : undefined}>
          {t("error")}
        </BillingBanner>
      )}
      {products.isPending ? (
        <PackListSkeleton />
      ) : products.data?.products.length ? (
        <PackList
          products={products.data.products}
          teamId={teamId}
          unavailable={unavailable}
          suggested={suggestedPack}
          onError={(error) => setFailed(domainCodeOf(error) === "billing_not_configured" ? "unavailable" : "error")}
        />
      ) : null}
    </section>
  );
}
