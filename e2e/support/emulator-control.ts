import { emulatorUrl, realStripe } from "../stack/config.mjs";

/** Why a spec that needs the emulator's test-only control endpoints skips against real Stripe. */
export const NEEDS_EMULATOR =
  "needs the Stripe emulator's /_emulator control endpoints (not available in real Stripe test mode)";
export const emulatorOnly = () => realStripe;

async function control<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${emulatorUrl}/_emulator${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /_emulator${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Re-delivers one event to the app's webhook `times` times (answers after the deliveries). */
export const redeliverEvent = (eventId: string, times: number) =>
  control<unknown>(`/events/${encodeURIComponent(eventId)}/deliver`, { times });

/** Delivers several events in the given order ("reverse" of the list, or "shuffle"). */
export const deliverEvents = (ids: string[], order: "reverse" | "shuffle") =>
  control<unknown>("/events/deliver", { ids, order });

/** Settles a delayed payment: async_payment_succeeded (or _failed) for the session, delivered to the app. */
export const settleAsyncPayment = (sessionId: string, succeeded: boolean) =>
  control<unknown>(`/checkout/sessions/${encodeURIComponent(sessionId)}/async_result`, { succeeded });

/** Pays (completes) an open Checkout Session with `card`, as the hosted page would; setup mode saves the card. */
export const payCheckoutSession = (sessionId: string, card: string) =>
  control<unknown>(`/checkout/sessions/${encodeURIComponent(sessionId)}/pay`, { card });
