"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";

import type { PackId } from "~/lib/packs";
import { api } from "~/trpc/react";

import { AutoTopUpPanel } from "./auto-top-up/auto-top-up-panel";
import { AutoTopUpStatus } from "./auto-top-up/auto-top-up-status";
import { useTopUpReturn, type TopUpReturnState } from "./auto-top-up/use-top-up-return";
import { BillingBanner } from "./billing-banner";
import { LedgerHistory } from "./ledger-history";
import { LowBalanceBanner } from "./low-balance-banner";
import { PackList, PackListSkeleton } from "./pack-list";
import { PurchaseHistory } from "./purchase-history";
import { ReturnToChat } from "./return-to-chat";
import { SavedCard } from "./saved-card";
import { SpentChart } from "./spent-chart";
import { useCheckoutCancel } from "./use-checkout-cancel";
import { usePurchaseConfirmation, type ConfirmationOptions } from "./use-purchase-confirmation";

function domainCodeOf(error: unknown): string | null {
  return ((error as { data?: { domainCode?: unknown } } | null)?.data?.domainCode as string | undefined) ?? null;
}

export interface BillingViewProps {
  success: boolean;
  canceled: boolean;
  sessionId: string | null;
  /** The canceled purchase's reference from Checkout's cancel link. */
  checkoutRef?: string | null;
  confirmation?: ConfirmationOptions;
  /** The pack the paywall offered (`?pack=`): highlighted and focused instead of the featured one. */
  suggestedPack?: PackId | null;
  /** Back from authenticating an auto top-up (`?topup=`): confirmed once on arrival. */
  topUpId?: string | null;
}

const TOP_UP_RETURN = {
  confirming: ["info", "returnConfirming"],
  credited: ["success", "returnCredited"],
  pending: ["warning", "returnPending"],
  failed: ["error", "returnFailed"],
  error: ["error", "returnError"],
} as const satisfies Record<Exclude<TopUpReturnState, "idle">, readonly [string, string]>;

export function BillingView({
  success,
  canceled,
  sessionId,
  checkoutRef = null,
  confirmation,
  suggestedPack = null,
  topUpId = null,
}: BillingViewProps) {
  const t = useTranslations("billing");
  const tTopUp = useTranslations("autoTopUp");
  const topUpReturn = useTopUpReturn(topUpId);
  const products = api.billing.products.useQuery();
  const confirmState = usePurchaseConfirmation(success ? sessionId : null, confirmation);
  useCheckoutCancel(canceled ? checkoutRef : null);
  const [checkoutFailed, setCheckoutFailed] = useState<"error" | "unavailable" | null>(null);
  const unavailable = products.data?.mode === "unavailable" || checkoutFailed === "unavailable";
  const [dismissed, setDismissed] = useState(false);

  const returnBanner = (() => {
    if (dismissed) return null;
    if (topUpReturn !== "idle") {
      const [tone, key] = TOP_UP_RETURN[topUpReturn];
      return (
        <BillingBanner
          tone={tone}
          testId="auto-top-up-return"
          onDismiss={topUpReturn === "confirming" ? undefined : () => setDismissed(true)}
        >
          {tTopUp(key)}
        </BillingBanner>
      );
    }
    const dismiss = () => setDismissed(true);
    if (canceled)
      return (
        <BillingBanner tone="warning" testId="billing-canceled" onDismiss={dismiss}>
          {t("canceled")}
        </BillingBanner>
      );
    if (!success) return null;
    // A success redirect without a session id cannot be confirmed; the webhook still credits it.
    if (!sessionId || confirmState === "credited")
      return (
        <BillingBanner tone="success" testId="billing-success" onDismiss={dismiss}>
          {t("success")}
        </BillingBanner>
      );
    if (confirmState === "confirming")
      return (
        <BillingBanner tone="info" testId="billing-pending">
          {t("pending")}
        </BillingBanner>
      );
    if (confirmState === "slow")
      return (
        <BillingBanner tone="warning" testId="billing-pending">
          {t("pendingSlow")}
        </BillingBanner>
      );
    if (confirmState === "failed")
      return (
        <BillingBanner tone="error" testId="billing-error">
          {t("failed")}
        </BillingBanner>
      );
    return (
      <BillingBanner tone="error" testId="billing-error">
        {t("error")}
      </BillingBanner>
    );
  })();

  return (
    <div>
      <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
      <p className="mt-1 mb-6 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>

      {returnBanner}
      {/* The packs are right below: no "Buy credits" link to this same page. */}
      <LowBalanceBanner buyLink={false} className="mb-6" />
      <AutoTopUpStatus quietFor={topUpId} className="mb-6" />
      <ReturnToChat />
      {unavailable && (
        <BillingBanner tone="warning" testId="billing-unavailable">
          {t("unavailable")}
        </BillingBanner>
      )}
      {(checkoutFailed === "error" || products.isError) && (
        <BillingBanner
          tone="error"
          testId="billing-error"
          onDismiss={checkoutFailed ? () => setCheckoutFailed(null) : undefined}
        >
          {t("error")}
        </BillingBanner>
      )}

      {products.isPending ? (
        <PackListSkeleton />
      ) : products.data?.products.length ? (
        <PackList
          products={products.data.products}
          unavailable={unavailable}
          suggested={suggestedPack}
          onError={(error) =>
            setCheckoutFailed(domainCodeOf(error) === "billing_not_configured" ? "unavailable" : "error")
          }
        />
      ) : products.data ? (
        <p className="text-gray-500 dark:text-gray-400">{t("noProducts")}</p>
      ) : null}

      <SavedCard />
      <AutoTopUpPanel />
      <PurchaseHistory />
      <SpentChart />
      <Link
        href="/billing/usage"
        data-testid="billing-usage-link"
        className="mt-3 inline-block text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-300"
      >
        {t("usageLink")}
      </Link>
      <LedgerHistory />
    </div>
  );
}
