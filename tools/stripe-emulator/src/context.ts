import { newId, nowSeconds } from "./ids";
import type { EventRequest, PriceConfig, StripeEvent } from "./objects";
import { present } from "./shapes";
import type { Store } from "./store";
import type { WebhookDispatcher } from "./webhooks";

/** The API version of the `stripe` SDK this emulator is tested against (see the contract tests). */
export const API_VERSION = "2026-10-28.endive";

export interface EmulatorContext {
  store: Store;
  prices: Map<string, PriceConfig>;
  publicUrl: string;
  businessName: string;
  webhooks: WebhookDispatcher;
}

const NO_REQUEST: EventRequest = { id: null, idempotency_key: null };

/** Stores an event (with a snapshot of the object) and hands it to the webhook dispatcher. */
export function emitEvent(
  ctx: EmulatorContext,
  type: string,
  object: object,
  options: { previous?: object; request?: EventRequest } = {},
): StripeEvent {
  const event: StripeEvent = {
    id: newId("evt"),
    object: "event",
    api_version: API_VERSION,
    created: nowSeconds(),
    data: {
      object: present(ctx, object) as object,
      ...(options.previous ? { previous_attributes: options.previous } : {}),
    },
    livemode: false,
    pending_webhooks: ctx.webhooks.enabled ? 1 : 0,
    request: options.request ?? NO_REQUEST,
    type,
  };
  ctx.store.state.events[event.id] = event;
  ctx.webhooks.enqueue(event);
  return event;
}
