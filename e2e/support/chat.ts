import { expect, type Page } from "@playwright/test";

import { assistantMessages, recordReplyText, recordedReplyTexts } from "./streaming";

/** Types a message into the composer and sends it (Send button). */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
}

/**
 * Waits for the newest assistant reply to finish and proves it streamed: the bubble showed several
 * growing partial texts before the final one. Returns the final text.
 */
export async function expectStreamedReply(page: Page, minPieces = 3): Promise<string> {
  const reply = assistantMessages(page).last();
  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
  await expect(page.getByTestId("chat-send")).toBeVisible();
  const partials = await recordedReplyTexts(page);
  const finalText = (await reply.textContent()) ?? "";
  const lengths = partials.map((t) => t.length);
  expect(partials.length, `texts seen while streaming: ${JSON.stringify(partials.slice(0, 6))}`).toBeGreaterThanOrEqual(minPieces);
  expect(lengths[lengths.length - 1]!, "the streamed text grew").toBeGreaterThan(lengths[0]!);
  return finalText;
}

export { recordReplyText };
