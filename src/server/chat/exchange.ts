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

import { chooseModel, singleModelCatalog, type CatalogModel, type ChatCatalog } from "./catalog";
import type { ChatConfig } from "./config";
import { requireOwnConversation, type ConversationView } from "./conversations";
import { priceExchange } from "./metering";
import type { ChatModel } from "./models";
import { estimatePromptTokens, type Prompt } from "./prompt";
import { startReplyRun, type ReplyRun } from "./reply-run";
import { settleStaleReplies } from "./sweep";

export interface ChatDeps {
  db: Db;
  /** The models on offer, with their prices (catalog.ts). */
  catalog?: ChatCatalog;
  /** Or one model, priced by `config` (tests, scripts). */
  model?: ChatModel;
  config: ChatConfig;
  maxTitleChars: number;
  /** A server that is shutting down refuses new messages and waits for (or stops) running replies. */
  drain?: Drain;
}

export interface ExchangeRequest {
  userId: string;
  conversationId: string;
  /** The model to answer (unknown → BAD_REQUEST before anything is written); default: the conversation's last choice, else the catalog's default. */
  modelId?: string;
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

/** The catalog of `deps`: its own, else its one model priced by its config. */
export function catalogOf(deps: Pick<ChatDeps, "catalog" | "model" | "config">): ChatCatalog {
  if (deps.catalog) return deps.catalog;
  if (!deps.model) throw new Error("ChatDeps needs a catalog or a model");
  return singleModelCatalog(deps.model, deps.config);
}

export function startExchange(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: (conversation: ConversationView, model: CatalogModel) => Promise<ExchangePlan>,
): Promise<ReplyRun> {
  if (deps.drain?.draining) return Promise.reject(new ServiceDrainingError());
  // A shutdown that begins while this exchange reserves its credits waits for it (and its reply).
  const admitted = admit(deps, request, plan);
  return deps.drain ? deps.drain.track(admitted) : admitted;
}

async function admit(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: (conversation: ConversationView, model: CatalogModel) => Promise<ExchangePlan>,
): Promise<ReplyRun> {
  const { db, config } = deps;
  const catalog = catalogOf(deps);
  // An unknown model is refused before anything is read or written.
  if (request.modelId !== undefined) chooseModel(catalog, request.modelId);
  const conversation = await requireOwnConversation(db, request.userId, request.conversationId);
  const model = chooseModel(catalog, request.modelId, conversation.modelId);
  // Settles this user's replies that crashed long ago, so their held credits count again.
  await settleStaleReplies(db, config, { userId: request.userId });

  const { prompt, write } = await plan(conversation, model);
  const estimatedInputTokens = estimatePromptTokens(prompt);
  const assistantMessageId = randomUUID();

  const { hold, userMessageId } = await inTransaction(db, async (tx) => {
    const hold = await reserve(tx, {
      userId: request.userId,
      // The one pricing rule, shared with chat.quote (quote.ts).
      amount: priceExchange(estimatedInputTokens, model).maxCredits,
      refType: CHAT_REF_TYPE,
      refId: assistantMessageId,
      ttlSeconds: config.holdTtlSeconds,
    });
    const userMessageId = await write(tx, { id: assistantMessageId, model: model.id });
    // The conversation remembers an explicit choice for its next exchange (and its quote).
    if (request.modelId !== undefined && request.modelId !== conversation.modelId)
      await tx.conversation.update({ where: { id: conversation.id }, data: { modelId: model.id } });
    return { hold, userMessageId };
  });

  const run = startReplyRun({
    db,
    model,
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
