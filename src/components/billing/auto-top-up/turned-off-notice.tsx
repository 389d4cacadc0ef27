"use client";

import { useTranslations } from "next-intl";

import type { RouterOutputs } from "~/trpc/react";

type TurnedOff = NonNullable<RouterOutputs["autoTopUp"]["get"]["turnedOff"]>;

/** Tally turned auto top-up off (declined, removed or expired card…): why, and how to get it back. */
export function TurnedOffNotice({ turnedOff }: { turnedOff: TurnedOff }) {
  const t = useTranslations("autoTopUp");
  return (
    <div
      role="alert"
      data-testid="auto-top-up-turned-off"
      data-reason={turnedOff.reason}
      className="mt-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-semibold">{t("offTitle")}</p>
      <p className="mt-1" data-testid="auto-top-up-turned-off-reason">
        {t(`offReason.${turnedOff.reason}`, { message: turnedOff.message })}
      </p>
      <p className="mt-1">{t("offFix")}</p>
    </div>
  );
}
