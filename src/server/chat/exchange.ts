/**
 * The one path every exchange takes (send, regenerate, edit-and-resend). Every check that can
 * refuse it runs first and throws (SERVICE_UNAVAILABLE while the server shuts down, NOT_FOUND,
 * CONFLICT, PAYMENT_REQUIRED; the per-user rate limit is the API edge's, src/server/api/rate-limits.ts), so the caller's promise rejects before any
 * stream starts and before any model call. The worst-case reservation and the exchange's writes
 * share one transaction (for a send, one statement): a refusal there leaves nothing behind.
 */
import { randomUUID } from "node:crypto";

import { CHAT_REF_TYPE, InsufficientCreditsError, reserve, type ReserveInput } from "~/server/credits";
import { inTransaction, type Tx } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import type { Drain } from "~/server/shutdown/drain";
import { ServiceDrainingError } from "~/server/shutdown/errors";
import { TeamNotFoundError } from "~/server/teams/errors";

import type { NewExchange } from "./exchange-messages";
import { chooseModel, singleModelCatalog, type CatalogModel, type ChatCatalog } from "./catalog";
import type { ChatConfig } from "./config";
import { rememberedPayer, requireOwnConversation, type ConversationView } from "./conversations";
import { priceExchange } from "./metering";
import type { ChatModel } from "./models";
import { estimatePromptTokens, type Prompt, type PromptTurn } from "./prompt";
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
  /** Which balance pays: a team's id (the requester must be a member), null for their own; undefined: the conversation's last choice. */
  payerTeamId?: string | null;
  /** The reader's UI locale: the language a reply falls back to when the message's own is unclear. */
  locale?: string;
  signal?: AbortSignal;
  /**
   * The API edge's rate-limit count, running while the exchange reads (src/server/api/rate-limits.ts):
   * nothing is written until it resolves, and its refusal wins over every other.
   */
  admitted?: Promise<unknown>;
}

export interface NewAssistantMessage {
  id: string;
  model: string;
  /** The team whose pool pays this reply; null: the user's own balance. */
  paidByTeamId: string | null;
}

/** What the exchange remembers on its conversation for the next one (and its quote); undefined: unchanged. */
export interface ConversationChoices {
  modelId?: string;
  payerTeamId?: string | null;
}

export interface ExchangePlan {
  prompt: Prompt;
  /**
   * Writes the exchange's messages (including the streaming assistant one) and touches the
   * conversation (remembering the choices given), with the reservation: either as CTEs of the
   * hold's own statement (`withHold`: one round trip, send) or in its transaction (`write`:
   * regenerate and edit, which must refuse when the exchange they replace moved). Returns the id
   * of the user message the reply answers.
   */
  write:
    | { withHold(assistant: NewAssistantMessage, choices: ConversationChoices): NewExchange }
    | { inTransaction(tx: Tx, assistant: NewAssistantMessage): Promise<string> };
}

/** The catalog of `deps`: its own, else its one model priced by its config. */
export function catalogOf(deps: Pick<ChatDeps, "catalog" | "model" | "config">): ChatCatalog {
  if (deps.catalog) return deps.catalog;
  if (!deps.model) throw new Error("ChatDeps needs a catalog or a model");
  return singleModelCatalog(deps.model, deps.config);
}

/** Plans an exchange once its conversation passed the check: `firstHistoryPage` when it was asked for. */
type PlanExchange = (
  conversation: ConversationView,
  model: CatalogModel,
  firstHistoryPage: PromptTurn[] | undefined,
) => Promise<ExchangePlan>;

/**
 * `readsFirstHistoryPage` (send): the conversation check reads the history's first page in the
 * same statement, for the plan.
 */
export function startExchange(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: PlanExchange,
  opts: { readsFirstHistoryPage?: boolean } = {},
): Promise<ReplyRun> {
  if (deps.drain?.draining) return Promise.reject(new ServiceDrainingError());
  // A shutdown that begins while this exchange reserves its credits waits for it (and its reply).
  const admitted = admit(deps, request, plan, opts.readsFirstHistoryPage ?? false);
  return deps.drain ? deps.drain.track(admitted) : admitted;
}

async function admit(
  deps: ChatDeps,
  request: ExchangeRequest,
  plan: PlanExchange,
  readsFirstHistoryPage: boolean,
): Promise<ReplyRun> {
  const { db, config } = deps;
  const catalog = catalogOf(deps);
  // An unknown model is refused before anything is read or written.
  if (request.modelId !== undefined) chooseModel(catalog, request.modelId);
  // The read before the hold goes out alongside the rate-limit count, whose refusal wins.
  const [limited, owned] = await Promise.allSettled([
    request.admitted,
    requireOwnConversation(db, request.userId, request.conversationId, { firstHistoryPage: readsFirstHistoryPage }),
  ]);
  if (limited.status === "rejected") throw limited.reason;
  if (owned.status === "rejected") throw owned.reason;
  const { firstHistoryPage, ...conversation } = owned.value;
  const model = chooseModel(catalog, request.modelId, conversation.modelId);

  const { prompt, write } = await plan(conversation, model, firstHistoryPage);
  const estimatedInputTokens = estimatePromptTokens(prompt);
  const assistantMessageId = randomUUID();

  // The one pricing rule, shared with chat.quote (quote.ts).
  const amount = priceExchange(estimatedInputTokens, model).maxCredits;
  // The conversation remembers an explicit choice for its next exchange (and its quote).
  const modelChange = request.modelId !== undefined && request.modelId !== conversation.modelId ? model.id : undefined;
  const reserveAndWrite = async (payerTeamId: string | null) => {
    const assistant = { id: assistantMessageId, model: model.id, paidByTeamId: payerTeamId };
    // A remembered team the user has left is forgotten in the same write.
    const choices: ConversationChoices = {
      modelId: modelChange,
      payerTeamId: payerTeamId !== conversation.payerTeamId ? payerTeamId : undefined,
    };
    // A pool's reserve checks, under the pool's lock, that the user is a member and within their limits.
    const holdInput: ReserveInput = {
      userId: request.userId,
      teamId: payerTeamId,
      amount,
      refType: CHAT_REF_TYPE,
      refId: assistantMessageId,
      ttlSeconds: config.holdTtlSeconds,
    };
    if ("withHold" in write) {
      const { userMessageId, withHold } = write.withHold(assistant, choices);
      return { hold: await reserve(db, holdInput, withHold), userMessageId };
    }
    return inTransaction(db, async (tx) => {
      const hold = await reserve(tx, holdInput);
      const userMessageId = await write.inTransaction(tx, assistant);
      if (choices.modelId !== undefined || choices.payerTeamId !== undefined)
        await tx.conversation.update({ where: { id: conversation.id }, data: choices });
      return { hold, userMessageId };
    });
  };
  // Absent: the conversation's last choice, while the user is still in that team.
  const payerTeamId = request.payerTeamId !== undefined ? request.payerTeamId : rememberedPayer(conversation);
  const { hold, userMessageId } = await reserveAndWrite(payerTeamId).catch(async (error: unknown) => {
    // The user left the remembered team since it was read: their own balance pays, as if it had been gone then.
    if (error instanceof TeamNotFoundError && request.payerTeamId === undefined && payerTeamId !== null)
      return reserveAndWrite(null);
    // Credits still held by this user's replies that died long ago: the sweep settles them here
    // only when they stand in the way (otherwise the scheduled job does, off this path), then
    // the exchange tries once more.
    if (!(error instanceof InsufficientCreditsError) || error.held === 0) throw error;
    if ((await settleStaleReplies(db, config, { userId: request.userId })) === 0) throw error;
    return reserveAndWrite(payerTeamId);
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
