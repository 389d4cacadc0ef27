"use client";

import { useSyncExternalStore } from "react";
import { z } from "zod";

// Zod probes `new Function` once to pick a faster parser; without 'unsafe-eval' in the CSP the browser
// reports that probe as a violation, so the browser bundle uses the plain parser.
if (typeof window !== "undefined") z.config({ jitless: true });

/** A message refused for lack of credits, kept so it can be sent again after buying credits. */
export const UNSENT_KEY = "tally:unsent";
const CHANGE_EVENT = "tally:unsent-change";

const unsentSchema = z.object({ conversationId: z.string().min(1).nullable(), content: z.string().min(1) });
export type UnsentMessage = z.infer<typeof unsentSchema>;

export function saveUnsent(message: UnsentMessage): void {
  try {
    localStorage.setItem(UNSENT_KEY, JSON.stringify(message));
  } catch {
    // Storage full or disabled: the text still sits in the composer.
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function clearUnsent(): void {
  try {
    localStorage.removeItem(UNSENT_KEY);
  } catch {
    // Nothing to clear.
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

function readRaw(): string | null {
  try {
    return localStorage.getItem(UNSENT_KEY);
  } catch {
    return null;
  }
}

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

export function parseUnsent(raw: string | null): UnsentMessage | null {
  if (!raw) return null;
  try {
    const parsed = unsentSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stored unsent message; null on the server and until hydration. */
export function useUnsentMessage(): UnsentMessage | null {
  const raw = useSyncExternalStore(subscribe, readRaw, () => null);
  return parseUnsent(raw);
}
