"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useRef, useState } from "react";

import { useFocusTrap } from "~/components/ui/use-focus-trap";
import { onPaymentRequired } from "~/trpc/paywall-events";
import { Button } from "~/components/ui/button";

/** Mounted once in the root layout; opened by the global PAYMENT_REQUIRED handler, never by call sites. */
export function PaywallModal() {
  const t = useTranslations("paywall");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const buyRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const off = onPaymentRequired(() => setOpen(true));
    return () => {
      off();
    };
  }, []);

  const close = useCallback(() => setOpen(false), []);
  useFocusTrap(dialogRef, open, close, buyRef);

  if (!open) return null;

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/50 p-4 dark:bg-black/70" onClick={close}>
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        data-testid="paywall"
        onClick={(e) => e.stopPropagation()}
        className="w-full max-w-md rounded-xl bg-white p-6 shadow-xl ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700"
      >
        <h2 id={titleId} className="text-xl font-semibold text-gray-900 dark:text-gray-100">
          {t("title")}
        </h2>
        <p id={descriptionId} className="mt-3 text-gray-600 dark:text-gray-300">
          {t("prompt")}
        </p>
        <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <Button variant="secondary" data-testid="paywall-cancel" onClick={close}>
            {t("cancel")}
          </Button>
          <Button
            ref={buyRef}
            data-testid="paywall-buy"
            onClick={() => {
              setOpen(false);
              router.push("/billing");
            }}
          >
            {t("buy")}
          </Button>
        </div>
      </div>
    </div>
  );
}
