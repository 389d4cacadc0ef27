"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { BillingBanner } from "~/components/billing/billing-banner";
import { useCheckoutCancel } from "~/components/billing/use-checkout-cancel";
import { usePurchaseConfirmation, type ConfirmationOptions } from "~/components/billing/use-purchase-confirmation";
import { api } from "~/trpc/react";

export interface CheckoutReturn {
  success: boolean;
  canceled: boolean;
  sessionId: string | null;
  checkoutRef: string | null;
}

/**
 * Back from Checkout on the team page: confirm the session (the same idempotent billing.confirm as
 * /billing) or expire a canceled one, then refresh the pool's numbers.
 */
export function TeamCheckoutReturn({
  teamId,
  checkout,
  confirmation,
}: {
  teamId: string;
  checkout: CheckoutReturn;
  confirmation?: ConfirmationOptions;
}) {
  const t = useTranslations("teams.return");
  const utils = api.useUtils();
  const state = usePurchaseConfirmation(checkout.success ? checkout.sessionId : null, confirmation);
  useCheckoutCancel(checkout.canceled ? checkout.checkoutRef : null);
  const [dismissed, setDismissed] = useState(false);

  useEffect(() => {
    if (state !== "credited") return;
    void Promise.all([
      utils.teams.get.invalidate({ teamId }),
      utils.teams.list.invalidate(),
      utils.credits.history.invalidate({ teamId }),
    ]);
  }, [state, teamId, utils]);

  if (dismissed) return null;
  const dismiss = () => setDismissed(true);
  if (checkout.canceled)
    return (
      <BillingBanner tone="warning" testId="team-checkout-canceled" onDismiss={dismiss}>
        {t("canceled")}
      </BillingBanner>
    );
  if (!checkout.success) return null;
  if (!checkout.sessionId || state === "credited")
    return (
      <BillingBanner tone="success" testId="team-checkout-success" onDismiss={dismiss}>
        {t("success")}
      </BillingBanner>
    );
  if (state === "confirming" || state === "slow")
    return (
      <BillingBanner tone={state === "slow" ? "warning" : "info"} testId="team-checkout-pending">
        {t(state === "slow" ? "pendingSlow" : "pending")}
      </BillingBanner>
    );
  return (
    <BillingBanner tone="error" testId="team-checkout-error">
      {t(state === "failed" ? "failed" : "error")}
    </BillingBanner>
  );
}
