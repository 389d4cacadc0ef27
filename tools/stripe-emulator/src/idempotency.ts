import type { Reply } from "./router";
import type { Store } from "./store";

/** Same params in any order give the same fingerprint; the SDK's own retries send identical bodies anyway. */
export function fingerprintOf(method: string, path: string, rawBody: string): string {
  const pairs = [...new URLSearchParams(rawBody)].map(([k, v]) => `${k}=${v}`).sort();
  return `${method} ${path}\n${pairs.join("&")}`;
}

export type IdempotencyCheck = { kind: "replay"; reply: Reply } | { kind: "mismatch" } | { kind: "new" };

export function checkIdempotency(store: Store, key: string, fingerprint: string): IdempotencyCheck {
  const saved = store.state.idempotency[key];
  if (!saved) return { kind: "new" };
  if (saved.fingerprint !== fingerprint) return { kind: "mismatch" };
  return {
    kind: "replay",
    reply: { status: saved.status, json: saved.body, headers: { "Idempotent-Replayed": "true" } },
  };
}

/** Like Stripe, results are saved once the request ran, except server errors (those may be retried). */
export function rememberIdempotent(store: Store, key: string, fingerprint: string, reply: Reply): void {
  if (reply.status >= 500) return;
  store.state.idempotency[key] = { fingerprint, status: reply.status, body: reply.json };
  store.save();
}
