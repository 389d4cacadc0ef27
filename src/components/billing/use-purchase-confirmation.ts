"use client";

import { useEffect, useState } from "react";

import { api } from "~/trpc/react";

export type ConfirmationState = "idle" | "confirming" | "credited" | "slow" | "failed" | "error";

export interface ConfirmationOptions {
  attempts?: number;
  intervalMs?: number;
}

const FAILED = new Set(["failed", "expired"]);

/**
 * After Checkout redirects back with a session id: ask the server to fulfil it (idempotent) and
 * ask again a few times while the payment is still settling. Every credit-related view is
 * refreshed once the purchase is credited.
 */
export function usePurchaseConfirmation(
  sessionId: string | null,
  { attempts = 10, intervalMs = 1500 }: ConfirmationOptions = {},
) {
  const utils = api.useUtils();
  const { mutateAsync: confirm } = api.billing.confirm.useMutation();
  const [state, setState] = useState<ConfirmationState>(sessionId ? "confirming" : "idle");

  useEffect(() => {
    if (!sessionId) return;
    let cancelled = false;
    void (async () => {
      for (let attempt = 0; attempt < attempts && !cancelled; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, intervalMs));
        if (cancelled) return;
        let result: Awaited<ReturnType<typeof confirm>>;
        try {
          result = await confirm({ sessionId });
        } catch {
          if (!cancelled) setState("error");
          return;
        }
        if (cancelled) return;
        if (result.credited) {
          setState("credited");
          // Cancel first: a first load still in flight may have read the balance before the credit
          // committed, and invalidating a query that has no data yet would only wait for that answer.
          await Promise.all(
            [utils.credits.balance, utils.credits.history, utils.billing.purchases].map(async (query) => {
              await query.cancel();
              await query.invalidate();
            }),
          );
          return;
        }
        if (FAILED.has(result.status)) {
          setState("failed");
          return;
        }
      }
      if (!cancelled) setState("slow");
    })();
    return () => {
      cancelled = true;
    };
  }, [sessionId, attempts, intervalMs, confirm, utils]);

  return state;
}
