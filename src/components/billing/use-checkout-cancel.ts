"use client";

import { useEffect, useRef } from "react";

import { api } from "~/trpc/react";

/**
 * After Checkout's cancel link: expire that session (so it can no longer be paid) and refresh the
 * purchase list, which then shows it as canceled. Once per page load; a repeat is harmless anyway.
 */
export function useCheckoutCancel(checkoutRef: string | null) {
  const utils = api.useUtils();
  const { mutate } = api.billing.cancel.useMutation({
    // The page's first purchase list may still be in flight, read before the cancel: a plain
    // invalidate would join that request (React Query dedupes a first fetch) and keep "Pending".
    onSettled: async () => {
      await utils.billing.purchases.cancel();
      await utils.billing.purchases.invalidate();
    },
  });
  const sent = useRef<string | null>(null);

  useEffect(() => {
    if (!checkoutRef || sent.current === checkoutRef) return;
    sent.current = checkoutRef;
    mutate({ checkoutRef });
  }, [checkoutRef, mutate]);
}
