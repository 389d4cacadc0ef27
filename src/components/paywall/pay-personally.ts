/**
 * The paywall's "pay from my balance instead" for a message a team's pool or the member's limit
 * refused: the paywall asks, the chat view (which holds the message and the payer choice) switches
 * the conversation to the user's own balance and sends it again.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function requestPersonalPayment(): void {
  for (const l of listeners) l();
}

export function onPersonalPaymentRequested(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
