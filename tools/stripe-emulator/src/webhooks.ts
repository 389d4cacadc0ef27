import { createHmac } from "node:crypto";

import type { StripeEvent } from "./objects";
import type { DeliveryAttempt } from "./store";

/** The `Stripe-Signature` header value Stripe sends: `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.payload")>`. */
export function signWebhookPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export interface WebhookDispatcherOptions {
  url?: string;
  secret: string;
  retryDelaysMs: number[];
  record(attempt: DeliveryAttempt): void;
  /** Called once an automatic delivery has ended (delivered or retries exhausted). */
  settled(eventId: string, delivered: boolean): void;
}

const ATTEMPT_TIMEOUT_MS = 15_000;

/** POSTs signed events to the endpoint; automatic deliveries retry with backoff on non-2xx or network errors. */
export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();
  private attemptsByEvent = new Map<string, number>();
  /** Events whose automatic delivery has not ended yet (an attempt or a retry is still to come). */
  private readonly undelivered = new Set<string>();

  constructor(private readonly options: WebhookDispatcherOptions) {}

  get enabled(): boolean {
    return Boolean(this.options.url);
  }

  /** How many automatic deliveries are still under way (neither delivered nor out of retries). */
  get active(): number {
    return this.undelivered.size;
  }

  /** Automatic delivery of a new event (first attempt right away, then the retry schedule). */
  enqueue(event: StripeEvent): void {
    if (!this.options.url) return;
    this.undelivered.add(event.id);
    this.schedule(event, 0, 0);
  }

  /** One attempt now, outside the retry schedule (control endpoints). Returns the status or null. */
  deliverNow(event: StripeEvent): Promise<number | null> {
    return this.track(this.attempt(event, true));
  }

  /** Resolves once every attempt now in flight has answered (scheduled retries are not awaited). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  forget(): void {
    this.attemptsByEvent = new Map();
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(event: StripeEvent, retryIndex: number, delayMs: number): void {
    const settled = (delivered: boolean) => {
      this.undelivered.delete(event.id);
      this.options.settled(event.id, delivered);
    };
    const run = async () => {
      const status = await this.track(this.attempt(event, false));
      if (status !== null && status >= 200 && status < 300) return settled(true);
      const nextDelay = this.options.retryDelaysMs[retryIndex];
      if (nextDelay === undefined || this.closing.signal.aborted) return settled(false);
      this.schedule(event, retryIndex + 1, nextDelay);
    };
    if (delayMs === 0) {
      void run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, delayMs);
    this.timers.add(timer);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  private async attempt(event: StripeEvent, manual: boolean): Promise<number | null> {
    const url = this.options.url;
    if (!url) return null;
    const attempt = (this.attemptsByEvent.get(event.id) ?? 0) + 1;
    this.attemptsByEvent.set(event.id, attempt);
    const payload = JSON.stringify(event, null, 2);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "Stripe-Signature": signWebhookPayload(payload, this.options.secret),
        },
        body: payload,
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error =
        caught instanceof Error
          ? caught.cause instanceof Error
            ? caught.cause.message
            : caught.message
          : String(caught);
    }
    this.options.record({
      eventId: event.id,
      eventType: event.type,
      attempt,
      status,
      ...(error ? { error } : {}),
      manual,
      at: new Date().toISOString(),
    });
    return status;
  }
}
