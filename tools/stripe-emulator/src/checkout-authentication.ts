import { randomBytes } from "node:crypto";

import type { EmulatorContext } from "./context";
import type { FormState } from "./hosted-page-html";
import type { PayInput } from "./payments";

/**
 * Checkout's 3D Secure step: after "Pay" with a card that asks for authentication, the entered payment waits here
 * (in memory only, never persisted: it holds the test card number) under a single-use token until the payer answers
 * on the authentication page.
 */

export interface PendingAuthentication {
  sessionId: string;
  input: PayInput;
  values: FormState["values"];
}

const pendingByEmulator = new WeakMap<EmulatorContext, Map<string, PendingAuthentication>>();

function pendingOf(ctx: EmulatorContext): Map<string, PendingAuthentication> {
  let pending = pendingByEmulator.get(ctx);
  if (!pending) {
    pending = new Map();
    pendingByEmulator.set(ctx, pending);
  }
  return pending;
}

export function holdForAuthentication(ctx: EmulatorContext, pending: PendingAuthentication): string {
  const token = randomBytes(18).toString("base64url");
  pendingOf(ctx).set(token, pending);
  return token;
}

/** The payment waiting under `token` for this session, removed so that each answer is used once. */
export function takePendingAuthentication(
  ctx: EmulatorContext,
  sessionId: string,
  token: unknown,
): PendingAuthentication | null {
  if (typeof token !== "string") return null;
  const pending = pendingOf(ctx).get(token);
  if (!pending || pending.sessionId !== sessionId) return null;
  pendingOf(ctx).delete(token);
  return pending;
}
