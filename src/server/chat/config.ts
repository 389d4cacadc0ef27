import { env } from "~/env";

/** Prices and limits of a metered reply; defaults come from src/env.js. */
export interface ChatConfig {
  creditsPer1kInputTokens: number;
  creditsPer1kOutputTokens: number;
  /** Reply cap; also the output part of the worst case reserved before each reply. */
  maxOutputTokens: number;
  /** After this the sweep releases a reply's hold (a crashed stream never settles). */
  holdTtlSeconds: number;
}

export function chatConfigFromEnv(): ChatConfig {
  return {
    creditsPer1kInputTokens: env.CREDITS_PER_1K_INPUT_TOKENS,
    creditsPer1kOutputTokens: env.CREDITS_PER_1K_OUTPUT_TOKENS,
    maxOutputTokens: env.CHAT_MAX_OUTPUT_TOKENS,
    holdTtlSeconds: env.HOLD_TTL_SECONDS,
  };
}
