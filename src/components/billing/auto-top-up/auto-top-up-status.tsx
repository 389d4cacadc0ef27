"use client";

import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";

import { Button } from "~/components/ui/button";
import { minorToMajor } from "~/lib/money";
import { navigateTo } from "~/lib/navigate";
import { api } from "~/trpc/react";

import { useAutoTopUp } from "./use-auto-top-up";

/**
 * Auto top-up as the whole app sees it (chat and billing): "needs your confirmation" with the button to the
 * bank's page, and a polite status when a top-up settles ("Auto top-up: +200,000 credits"). Nothing when off.
 */
export function AutoTopUpStatus({
  quietFor = null,
  className = "mx-auto mb-4 max-w-2xl",
}: {
  quietFor?: string | null;
  className?: string;
}) {
  const t = useTranslations("autoTopUp");
  const tBilling = useTranslations("billing");
  const format = useFormatter();
  const { view, outcome, dismissOutcome } = useAutoTopUp({ quietFor });
  const authenticate = api.autoTopUp.authenticate.useMutation({ onSuccess: ({ url }) => navigateTo(url) });

  const inFlight = view?.inFlight;
  const needsAction = inFlight?.status === "requires_action" ? inFlight : null;
  // After success the page is leaving for the bank's page; keep the button busy until it does.
  const leaving = authenticate.isPending || authenticate.isSuccess;

  return (
    <>
      {needsAction && (
        <div
          role="alert"
          data-testid="auto-top-up-needs-action"
          className={`flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100 ${className}`}
        >
          <p>
            {t("needsAction", {
              amount: format.number(minorToMajor(needsAction.amountTotal, needsAction.currency), {
                style: "currency",
                currency: needsAction.currency.toUpperCase(),
              }),
            })}
            {authenticate.isError && (
              <span className="block font-medium" data-testid="auto-top-up-needs-action-error">
                {t("needsActionError")}
              </span>
            )}
          </p>
          <Button
            size="sm"
            data-testid="auto-top-up-authenticate"
            disabled={leaving}
            aria-busy={leaving}
            onClick={() => authenticate.mutate({ purchaseId: needsAction.purchaseId })}
          >
            {t("needsActionButton")}
          </Button>
        </div>
      )}
      {/* Always in the page, so screen readers hear what is put into it; fixed, so nothing below it moves. */}
      <div
        role="status"
        aria-live="polite"
        data-testid="auto-top-up-toast-region"
        className="fixed top-16 right-4 z-40 w-[calc(100%-2rem)] max-w-sm"
      >
        {outcome && (
          <div
            data-testid="auto-top-up-toast"
            data-outcome={outcome.kind}
            className={`flex items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${
              outcome.kind === "credited"
                ? "border-green-200 bg-green-50 text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200"
                : "border-red-200 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
            }`}
          >
            <p>
              {outcome.kind === "credited" ? (
                t("credited", { credits: format.number(outcome.credits) })
              ) : (
                <>
                  {t("failed")}{" "}
                  <Link href="/billing" className="font-semibold underline underline-offset-2">
                    {t("failedLink")}
                  </Link>
                </>
              )}
            </p>
            <Button variant="ghost" size="xs" className="shrink-0" onClick={dismissOutcome}>
              {tBilling("dismiss")}
            </Button>
          </div>
        )}
      </div>
    </>
  );
}
