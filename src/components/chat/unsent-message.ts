"use client";

import { useSyncExternalStore } from "react";

/** A message refused for lack of credits, kept so it can be sent again after buying credits. */
export const UNSENT_KEY = "tally:unsent";
const CHANGE_EVENT = "tally:unsent-change";

export interface UnsentMessage {
  conversationId: string | null;
  content: string;
}

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
  // Checked by hand: zod would put ~30 KB (gzipped) into the first load of /chat and /billing for two fields.
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { conversationId, content } = value as Record<string, unknown>;
  if (typeof content !== "string" || content.length === 0) return null;
  if (conversationId !== null && (typeof conversationId !== "string" || conversationId.length === 0)) return null;
  return { conversationId, content };
}

/** The stored unsent message; null on the server and until hydration. */
export function useUnsentMessage(): UnsentMessage | null {
  const raw = useSyncExternalStore(subscribe, readRaw, () => null);
  return parseUnsent(raw);
}
