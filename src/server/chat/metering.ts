/**
 * Pricing of a reply: credits per 1,000 tokens, rounded up so a reply is never free. The worst
 * case (the whole prompt plus the output cap) is what gets reserved before the model is called.
 */
import type { ChatConfig } from "./config";

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

type Prices = Pick<ChatConfig, "creditsPer1kInputTokens" | "creditsPer1kOutputTokens">;

export function creditsFor(usage: TokenUsage, prices: Prices): number {
  const milliCredits =
    usage.inputTokens * prices.creditsPer1kInputTokens + usage.outputTokens * prices.creditsPer1kOutputTokens;
  return Math.ceil(milliCredits / 1000);
}

export function worstCaseCredits(inputTokens: number, config: Prices & Pick<ChatConfig, "maxOutputTokens">): number {
  return creditsFor({ inputTokens, outputTokens: config.maxOutputTokens }, config);
}
