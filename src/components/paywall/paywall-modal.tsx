"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

import { Button } from "~/components/ui/button";
import { onPaymentRequired } from "~/trpc/paywall-events";

/**
 * Mounted once in the root layout; opened by the global PAYMENT_REQUIRED handler, never by call sites.
 * Radix's dialog traps focus, closes on Escape or a click outside, hides the page from assistive technology
 * and (with no trigger of its own) we hand focus back to where it was when the paywall opened.
 */
export function PaywallModal() {
  const t = useTranslations("paywall");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const buyRef = useRef<HTMLButtonElement>(null);
  const focusBefore = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const off = onPaymentRequired(() => {
      if (document.activeElement instanceof HTMLElement) focusBefore.current = document.activeElement;
      setOpen(true);
    });
    return () => {
      off();
    };
  }, []);

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Portal>
        <Dialog.Overlay data-testid="paywall-overlay" className="fixed inset-0 z-50 bg-black/50 dark:bg-black/70" />
        <Dialog.Content
          aria-modal="true"
          data-testid="paywall"
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            buyRef.current?.focus();
          }}
          onCloseAutoFocus={(e) => {
            const before = focusBefore.current;
            if (!before?.isConnected) return;
            e.preventDefault();
            before.focus();
          }}
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700"
        >
          <Dialog.Title className="text-xl font-semibold text-gray-900 dark:text-gray-100">{t("title")}</Dialog.Title>
          <Dialog.Description className="mt-3 text-gray-600 dark:text-gray-300">{t("prompt")}</Dialog.Description>
          <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
            <Dialog.Close asChild>
              <Button variant="secondary" data-testid="paywall-cancel">
                {t("cancel")}
              </Button>
            </Dialog.Close>
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
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
