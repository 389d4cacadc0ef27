import { env } from "~/env";

import { catalogFromEnv, type ModelPrices } from "./catalog";

/**
 * Prices and limits of a metered reply; defaults come from src/env.js. The prices and output cap
 * here are the one-model default's; each catalog model (catalog.ts) carries its own.
 */
export interface ChatConfig {
  /** The catalog's prices by model id: the sweep settles a dead reply at its own model's prices. */
  models?: readonly (ModelPrices & { id: string })[];
  creditsPer1kInputTokens: number;
  creditsPer1kOutputTokens: number;
  /** Reply cap; also the output part of the worst case reserved before each reply. */
  maxOutputTokens: number;
  /** After this the sweep settles a reply's hold from what was delivered (a crashed stream never settles itself). */
  holdTtlSeconds: number;
  /** How long a finished reply keeps retrying its settle (with backoff) while the database is unreachable. */
  settleRetrySeconds: number;
  /** At most one write of a streaming reply's text and token counts per this many ms (plus a final one). */
  progressIntervalMs: number;
  /** A reply's text goes to the reader in at most one frame per this many ms (delta-frames.ts); 0 or unset: every piece. */
  streamFrameMs?: number;
}

export function chatConfigFromEnv(): ChatConfig {
  return {
    models: catalogFromEnv().models,
    creditsPer1kInputTokens: env.CREDITS_PER_1K_INPUT_TOKENS,
    creditsPer1kOutputTokens: env.CREDITS_PER_1K_OUTPUT_TOKENS,
    maxOutputTokens: env.CHAT_MAX_OUTPUT_TOKENS,
    holdTtlSeconds: env.HOLD_TTL_SECONDS,
    settleRetrySeconds: env.CHAT_SETTLE_RETRY_SECONDS,
    progressIntervalMs: env.CHAT_PROGRESS_INTERVAL_MS,
    streamFrameMs: env.CHAT_STREAM_FRAME_MS,
  };
}
