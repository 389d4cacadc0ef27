/**
 * The one channel through which "too few credits" reaches the UI. The react-query caches
 * call `reportPaymentRequired` for any PAYMENT_REQUIRED error, with the numbers the server sent
 * (error data `credits`) when it sent them; PaywallModal listens.
 */
import type { CreditShortfall } from "~/lib/credit-shortfall";

type Listener = (shortfall: CreditShortfall | null) => void;
const listeners = new Set<Listener>();

export function reportPaymentRequired(shortfall: CreditShortfall | null = null): void {
  for (const l of listeners) l(shortfall);
}

export function onPaymentRequired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
