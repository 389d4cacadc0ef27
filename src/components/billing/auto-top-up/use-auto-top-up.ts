"use client";

import { useEffect, useRef, useState } from "react";

import { api, type RouterOutputs } from "~/trpc/react";

type View = RouterOutputs["autoTopUp"]["get"];

/**
 * How often autoTopUp.get is asked again while a top-up is being charged (only while the tab is visible). One
 * waiting for the payer's confirmation is not polled: it changes when they act (and on window focus).
 */
export const AUTO_TOP_UP_POLL_MS = 2500;

/** What the watcher saw settle: credited (with how many credits) or failed (auto top-up is off now). */
export type AutoTopUpOutcome = { kind: "credited"; credits: number } | { kind: "failed" };

const turnedOffAt = (view: View) => view.turnedOff?.at.getTime() ?? null;
const newlyTurnedOff = (before: View, after: View) =>
  turnedOffAt(after) !== null && turnedOffAt(after) !== turnedOffAt(before);

/**
 * Something settled between two reads: the in-flight top-up left, the month's count rose without one in flight
 * (credited before it was ever seen), or Tally turned auto top-up off (a decline is not counted against the month).
 */
function settledBetween(before: View, after: View): boolean {
  const left = before.inFlight !== null && after.inFlight?.purchaseId !== before.inFlight.purchaseId;
  const counted = after.inFlight === null && after.usedThisMonth > before.usedThisMonth;
  return left || counted || newlyTurnedOff(before, after);
}

/**
 * The one place that follows auto top-up from the browser: reads autoTopUp.get, polls it while a top-up is in
 * flight (react-query pauses the interval in a hidden tab), and when one settles refreshes every credit view
 * (the header balance, the low-balance banner, purchases, history) and reports the outcome once.
 * `quietFor`: a top-up whose outcome the page reports itself (the return from authentication).
 */
export function useAutoTopUp({ quietFor = null }: { quietFor?: string | null } = {}) {
  const utils = api.useUtils();
  const query = api.autoTopUp.get.useQuery(undefined, {
    refetchInterval: (q) => (q.state.data?.inFlight?.status === "pending" ? AUTO_TOP_UP_POLL_MS : false),
    // NOT_IMPLEMENTED / no payments: nothing to show, nothing to retry.
    retry: false,
  });
  const products = api.billing.products.useQuery(undefined, { enabled: query.data?.enabled === true });
  const seen = useRef<View | null>(null);
  const [outcome, setOutcome] = useState<AutoTopUpOutcome | null>(null);

  const view = query.data;
  useEffect(() => {
    if (!view) return;
    const before = seen.current;
    seen.current = view;
    if (!before || !settledBetween(before, view)) return;
    void Promise.all([
      utils.credits.balance.invalidate(),
      utils.credits.lowBalance.invalidate(),
      utils.credits.history.invalidate(),
      utils.billing.purchases.invalidate(),
    ]);
    const settled = before.inFlight;
    if (settled && settled.purchaseId === quietFor) return;
    if (newlyTurnedOff(before, view)) {
      setOutcome({ kind: "failed" });
      return;
    }
    const packId = settled?.packId ?? view.settings?.packId;
    const credits = settled?.credits ?? products.data?.products.find((p) => p.id === packId)?.credits;
    if (credits !== undefined) setOutcome({ kind: "credited", credits });
  }, [view, utils, quietFor, products.data]);

  return { query, view, outcome, dismissOutcome: () => setOutcome(null) };
}
