"use client";

import { useEffect, useRef } from "react";

import type { UnsentMessage } from "./unsent-message";

/**
 * Puts a message refused for lack of credits back into the composer when its conversation is open
 * (e.g. on coming back from Billing), once, and only into an empty composer: what the user sees
 * is what "Send" sends.
 */
export function useRestoredUnsent(
  unsent: UnsentMessage | null,
  conversationId: string | null,
  draft: string,
  setDraft: (text: string) => void,
) {
  const restored = useRef<string | null>(null);
  const here = unsent && unsent.conversationId === conversationId ? unsent : null;
  const key = here ? `${here.conversationId ?? ""}\n${here.content}` : null;

  useEffect(() => {
    if (!here || !key || restored.current === key) return;
    restored.current = key;
    if (!draft.trim()) setDraft(here.content);
  }, [key, here, draft, setDraft]);
}
