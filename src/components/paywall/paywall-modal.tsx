"use client";

import { lazy, Suspense, useEffect, useRef, useState } from "react";

import type { CreditShortfall } from "~/lib/credit-shortfall";
import { api } from "~/trpc/react";
import { onPaymentRequired } from "~/trpc/paywall-events";

const loadDialog = () => import("./paywall-dialog");
const PaywallDialog = lazy(loadDialog);

/**
 * Mounted once in the root layout; opened by the global PAYMENT_REQUIRED handler, never by call sites.
 * The dialog itself (paywall-dialog.tsx, Radix's dialog) is not in the page's first load: it is fetched
 * once the browser is idle after the page has loaded, so it is there when a refusal opens it.
 */
export function PaywallModal() {
  const utils = api.useUtils();
  const [open, setOpen] = useState(false);
  const [shortfall, setShortfall] = useState<CreditShortfall | null>(null);
  // Mounted from the first refusal on, so closing keeps Radix's exit (and focus return) intact.
  const [mounted, setMounted] = useState(false);
  const focusBefore = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const off = onPaymentRequired((numbers) => {
      if (document.activeElement instanceof HTMLElement) focusBefore.current = document.activeElement;
      setShortfall(numbers);
      setMounted(true);
      setOpen(true);
      // The header shows the same spendable number the refusal was measured against.
      if (numbers) void utils.credits.balance.invalidate();
      // A team's refusal: its pool and the member's limits as they are now, with the reader's role.
      if (numbers?.teamId) void utils.teams.list.invalidate();
    });
    return () => {
      off();
    };
  }, [utils]);

  useEffect(() => {
    const preload = () => void loadDialog();
    if (typeof window.requestIdleCallback !== "function") {
      const timer = setTimeout(preload, 1);
      return () => clearTimeout(timer);
    }
    const idle = window.requestIdleCallback(preload, { timeout: 3000 });
    return () => window.cancelIdleCallback(idle);
  }, []);

  if (!mounted) return null;
  return (
    <Suspense fallback={null}>
      <PaywallDialog open={open} onOpenChange={setOpen} shortfall={shortfall} focusBefore={focusBefore} />
    </Suspense>
  );
}
