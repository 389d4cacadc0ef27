import { expect, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";

import { recordedReplyTexts } from "./streaming";

export { recordReplyText } from "./streaming";

/**
 * Waits for the newest assistant reply to finish and proves it streamed: while its status was
 * "streaming" the bubble showed several different, growing texts. Returns the final text.
 */
export async function expectStreamedReply(page: Page, minPieces = 3): Promise<string> {
  const reply = new ChatPage(page).messages("assistant").last();
  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
  await expect(page.getByTestId("chat-send")).toBeVisible();
  const partials = await recordedReplyTexts(page);
  const lengths = partials.map((t) => t.length);
  expect(partials.length, `texts seen while streaming: ${JSON.stringify(partials.slice(0, 6))}`).toBeGreaterThanOrEqual(
    minPieces,
  );
  expect(lengths[lengths.length - 1]!, "the streamed text grew").toBeGreaterThan(lengths[0]!);
  return (await reply.textContent()) ?? "";
}
