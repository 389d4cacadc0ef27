/**
 * The one path every exchange takes (send, regenerate, edit-and-resend). Every check that can
 * refuse it runs first and throws (SERVICE_UNAVAILABLE while the server shuts down, NOT_FOUND,
 * CONFLICT, PAYMENT_REQUIRED; the per-user rate limit is the API edge's, src/server/api/rate-limits.ts), so the caller's promise rejects before any
 * stream starts and before any model call. The worst-case reservation and the exchange's writes
 * share one transaction: a refusal there leaves nothing behind.
 */
import { randomUUID } from "node:crypto";

import { CHAT_REF_TYPE, reserve } from "~/server/credits";
import { inTransaction, type Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import type { Drain } from "~/server/shutdown/drain";
import { ServiceDrainingError } from "~/server/shutdown/errors";

import type { ChatConfig } from "./config";
import { requireOwnConversation, type ConversationView } from "./conversations";
import { worstCaseCredits } from "./metering";
import type { ChatModel } from "./models";
import { estimatePromptTokens, type Prompt } from "./prompt";
import { startReplyRun, type ReplyRun } from "./reply-run";
import { settleStaleReplies } from "./sweep";

export interface ChatDeps {
  db: Db;
  model: ChatModel;
  config: ChatConfig;
  maxTitleChars: number;
  /** A server that is shutting down refuses new messages and waits for (or stops) running replies. */
  drain?: Drain;
}

export interface ExchangeRequest {
  userId: string;
  conversationId: string;
  /** The reader's UI locale: the language a reply falls back to when the message's own is unclear. */
  locale?: string;
  signal?: AbortSignal;
}

export interface NewAssistantMessage {
  id: string;
  model: string;
}

export interface ExchangePlan {
  prompt: Prompt;
  /**
   * Writes the exchange's messages (including the streaming assistant one) in the reservation's
   * transaction and returns the id of the user message the reply answers.
   */
  write(tx: Tx, assistant: NewAssistantMessage): Promise<string>;
}

export function startExchange(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: (conversation: ConversationView) => Promise<ExchangePlan>,
): Promise<ReplyRun> {
  if (deps.drain?.draining) return Promise.reject(new ServiceDrainingError());
  // A shutdown that begins while this exchange reserves its credits waits for it (and its reply).
  const admitted = admit(deps, request, plan);
  return deps.drain ? deps.drain.track(admitted) : admitted;
}

async function admit(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: (conversation: ConversationView) => Promise<ExchangePlan>,
): Promise<ReplyRun> {
  const { db, config } = deps;
  const conversation = await requireOwnConversation(db, request.userId, request.conversationId);
  // Settles this user's replies that crashed long ago, so their held credits count again.
  await settleStaleReplies(db, config, { userId: request.userId });

  const { prompt, write } = await plan(conversation);
  const estimatedInputTokens = estimatePromptTokens(prompt);
  const assistantMessageId = randomUUID();

  const { hold, userMessageId } = await inTransaction(db, async (tx) => {
    const hold = await reserve(tx, {
      userId: request.userId,
      amount: worstCaseCredits(estimatedInputTokens, config),
      refType: CHAT_REF_TYPE,
      refId: assistantMessageId,
      ttlSeconds: config.holdTtlSeconds,
    });
    const userMessageId = await write(tx, { id: assistantMessageId, model: deps.model.id });
    return { hold, userMessageId };
  });

  const run = startReplyRun({
    db,
    model: deps.model,
    config,
    userId: request.userId,
    holdId: hold.id,
    assistantMessageId,
    prompt,
    estimatedInputTokens,
    locale: request.locale,
    start: { type: "start", userMessageId, assistantMessageId, conversationId: conversation.id },
    signal: request.signal,
  });
  deps.drain?.trackReply(run);
  return run;
}
