"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useSyncExternalStore } from "react";

import { Button } from "~/components/ui/button";
import { api } from "~/trpc/react";

/** Per browser session: a dismissed banner stays hidden until the balance is back at or above the threshold. */
export const LOW_BALANCE_DISMISSED_KEY = "tally.lowBalanceDismissed";

function readDismissed(): boolean {
  try {
    return window.sessionStorage.getItem(LOW_BALANCE_DISMISSED_KEY) === "1";
  } catch {
    return dismissedInMemory;
  }
}

const listeners = new Set<() => void>();
let dismissedInMemory = false;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function writeDismissed(dismissed: boolean): void {
  dismissedInMemory = dismissed;
  try {
    if (dismissed) window.sessionStorage.setItem(LOW_BALANCE_DISMISSED_KEY, "1");
    else window.sessionStorage.removeItem(LOW_BALANCE_DISMISSED_KEY);
  } catch {
    // Storage refused (private mode): the in-memory flag still hides it until the next page load.
  }
  for (const listener of listeners) listener();
}

/**
 * "Your balance is low: 3,200 credits left. Buy credits" while the owned balance is below the
 * user's low-balance threshold (credits.lowBalance decides; off = never). Anything that changes
 * the balance invalidates credits.balance; this follows it, so the banner appears after the reply
 * that crossed and goes after a purchase, without a reload.
 */
export function LowBalanceBanner({
  buyLink = true,
  className = "mx-auto mb-9 max-w-2xl sm:mb-4",
}: {
  buyLink?: boolean;
  className?: string;
}) {
  const t = useTranslations("lowBalance");
  const utils = api.useUtils();
  const balance = api.credits.balance.useQuery();
  const status = api.credits.lowBalance.useQuery();
  // Hidden on the server (no storage there); the banner needs client data anyway, so hydration never disagrees.
  const dismissed = useSyncExternalStore(subscribe, readDismissed, () => true);

  const seenBalance = balance.data?.balance;
  const statusBalance = status.data?.balance;
  useEffect(() => {
    if (seenBalance !== undefined && statusBalance !== undefined && seenBalance !== statusBalance)
      void utils.credits.lowBalance.invalidate();
  }, [seenBalance, statusBalance, utils]);

  const low = status.data?.low ?? false;
  useEffect(() => {
    // Back above the threshold: the next time it is low, the banner shows again.
    if (status.data && !low && dismissed) writeDismissed(false);
  }, [status.data, low, dismissed]);

  if (!status.data || !low || dismissed) return null;

  return (
    <div
      role="status"
      data-testid="low-balance-banner"
      data-balance={status.data.balance}
      data-threshold={status.data.threshold ?? undefined}
      className={`flex items-center justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100 ${className}`}
    >
      <p>
        {/* The header's number (spendable): while a reply holds credits the two never disagree. */}
        {t("banner", { balance: balance.data?.spendable ?? status.data.balance })}
        {buyLink && (
          <>
            {" "}
            <Link
              href="/billing"
              data-testid="low-balance-buy"
              className="font-semibold whitespace-nowrap underline underline-offset-2"
            >
              {t("buy")}
            </Link>
          </>
        )}
      </p>
      <Button
        variant="ghost"
        size="xs"
        className="shrink-0"
        title={t("dismissLabel")}
        data-testid="low-balance-dismiss"
        onClick={() => writeDismissed(true)}
      >
        {t("dismiss")}
      </Button>
    </div>
  );
}
