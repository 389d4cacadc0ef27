import type { Page } from "@playwright/test";

declare global {
  interface Window {
    __tallyReplySnapshots?: string[];
  }
}

const ASSISTANT = '[data-testid="chat-message"][data-role="assistant"]';

/**
 * Records every text the newest assistant bubble shows while its status is "streaming", so a spec can prove the reply
 * arrived in pieces (streamed) rather than all at once. Call before sending.
 */
export async function recordReplyText(page: Page): Promise<void> {
  await page.evaluate((selector) => {
    window.__tallyReplySnapshots = [];
    const take = () => {
      const all = document.querySelectorAll(selector);
      const bubble = all[all.length - 1];
      // Only what the bubble shows while the reply is still arriving.
      if (!bubble || bubble.getAttribute("data-status") !== "streaming") return;
      const text = bubble.textContent ?? "";
      const seen = window.__tallyReplySnapshots!;
      if (seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, ASSISTANT);
}

export async function recordedReplyTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__tallyReplySnapshots ?? []);
}
