"use client";

import { usePathname } from "next/navigation";
import { useCallback } from "react";

import { conversationIdFromPath, conversationPath } from "./conversation-path";

/**
 * The open conversation lives in the URL. A conversation created here is shown by changing the
 * URL in place (Next.js keeps its router in step with history.pushState), so the chat view is not
 * remounted and a reply streaming into it keeps streaming.
 */
export function useConversationRoute() {
  const conversationId = conversationIdFromPath(usePathname());
  const showConversation = useCallback((id: string | null, { replace = false }: { replace?: boolean } = {}) => {
    const url = conversationPath(id);
    if (window.location.pathname === url) return;
    if (replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }, []);
  return { conversationId, showConversation };
}
