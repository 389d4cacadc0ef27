"use client";

import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";

import { onPaymentRequired } from "~/trpc/paywall-events";

// Radix's dialog is the root layout's largest client library and is needed only once credits run out:
// it loads after the page (idle), so the first paywall still opens at once, and on the first event at the latest.
const loadDialog = () => import("./paywall-dialog");
const PaywallDialog = dynamic(() => loadDialog().then((m) => m.PaywallDialog), { ssr: false });

/** Mounted once in the root layout; opened by the global PAYMENT_REQUIRED handler, never by call sites. */
export function PaywallModal() {
  const [open, setOpen] = useState(false);
  const [wanted, setWanted] = useState(false);
  const focusBefore = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const off = onPaymentRequired(() => {
      if (document.activeElement instanceof HTMLElement) focusBefore.current = document.activeElement;
      setWanted(true);
      setOpen(true);
    });
    const preload = () => void loadDialog().catch(() => undefined);
    if ("requestIdleCallback" in window) {
      const idle = window.requestIdleCallback(preload, { timeout: 3000 });
      return () => {
        off();
        window.cancelIdleCallback(idle);
      };
    }
    const timer = setTimeout(preload, 1);
    return () => {
      off();
      clearTimeout(timer);
    };
  }, []);

  return wanted ? <PaywallDialog open={open} onOpenChange={setOpen} focusBefore={focusBefore} /> : null;
}
