/**
 * Pricing of a reply: credits per 1,000 tokens of the chosen model, rounded up so a reply is never
 * free. The worst case (the whole prompt plus the model's output cap) is what gets held before the
 * model is called; `priceExchange` is the one rule both the hold (exchange.ts) and chat.quote use.
 */
import type { ModelLimits, ModelPrices } from "./catalog";

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

type Prices = ModelPrices;

export function creditsFor(usage: TokenUsage, prices: Prices): number {
  const milliCredits =
    usage.inputTokens * prices.creditsPer1kInputTokens + usage.outputTokens * prices.creditsPer1kOutputTokens;
  return Math.ceil(milliCredits / 1000);
}

export function worstCaseCredits(inputTokens: number, config: Prices & Pick<ModelLimits, "maxOutputTokens">): number {
  return creditsFor({ inputTokens, outputTokens: config.maxOutputTokens }, config);
}

export interface ExchangePrice {
  /** Our estimate of the prompt's input tokens. */
  inputTokens: number;
  /** The worst case: what is held before the reply (input + the output cap). */
  maxCredits: number;
  /** Input now plus a typical reply. */
  likelyCredits: number;
}

/** The price of one exchange whose prompt is estimated at `inputTokens`, at `model`'s prices. */
export function priceExchange(inputTokens: number, model: Prices & ModelLimits): ExchangePrice {
  return {
    inputTokens,
    maxCredits: worstCaseCredits(inputTokens, model),
    likelyCredits: creditsFor(
      { inputTokens, outputTokens: Math.min(model.typicalOutputTokens, model.maxOutputTokens) },
      model,
    ),
  };
}
