"use client";

import { useEffect, useRef, useState } from "react";

import { api } from "~/trpc/react";

export type TopUpReturnState = "idle" | "confirming" | "credited" | "pending" | "failed" | "error";

const FAILED = new Set(["failed", "canceled", "expired"]);

/** What the return leaves in the address: ours, and what Stripe appends to a return_url (a client secret among them). */
const RETURN_PARAMS = ["topup", "payment_intent", "payment_intent_client_secret", "redirect_status"];

/** `/billing?topup=…` → `/billing`: a reload must not confirm again, and the address keeps no secret. */
function clearReturnParams(): void {
  const url = new URL(window.location.href);
  if (!RETURN_PARAMS.some((p) => url.searchParams.has(p))) return;
  for (const p of RETURN_PARAMS) url.searchParams.delete(p);
  window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
}

/**
 * Back from the bank's authentication page (`?topup=<purchaseId>`): autoTopUp.confirm once (it reads the
 * PaymentIntent from Stripe and credits it if it succeeded), then every credit view is refreshed.
 */
export function useTopUpReturn(purchaseId: string | null): TopUpReturnState {
  const utils = api.useUtils();
  const { mutateAsync: confirm } = api.autoTopUp.confirm.useMutation();
  const [state, setState] = useState<TopUpReturnState>(purchaseId ? "confirming" : "idle");
  // Once per page load, also when React runs the effect twice (development) or the view re-renders.
  const asked = useRef<string | null>(null);

  useEffect(() => {
    if (!purchaseId || asked.current === purchaseId) return;
    asked.current = purchaseId;
    clearReturnParams();
    void (async () => {
      try {
        const result = await confirm({ purchaseId });
        setState(
          result.credited || result.status === "paid" ? "credited" : FAILED.has(result.status) ? "failed" : "pending",
        );
      } catch {
        setState("error");
      }
      await Promise.all([
        utils.autoTopUp.get.invalidate(),
        utils.credits.balance.invalidate(),
        utils.credits.lowBalance.invalidate(),
        utils.credits.history.invalidate(),
        utils.billing.purchases.invalidate(),
      ]);
    })();
  }, [purchaseId, confirm, utils]);

  return state;
}
