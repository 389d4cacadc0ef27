/**
 * The one channel through which "too few credits" reaches the UI. The react-query caches
 * call `reportPaymentRequired` for any PAYMENT_REQUIRED error; PaywallModal listens.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function reportPaymentRequired(): void {
  for (const l of listeners) l();
}

export function onPaymentRequired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
