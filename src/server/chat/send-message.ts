/**
 * chat.send's domain side. Every check that can refuse the message runs first and throws
 * (SERVICE_UNAVAILABLE while the server shuts down, NOT_FOUND, TOO_MANY_REQUESTS,
 * PAYMENT_REQUIRED), so the caller's promise rejects before any stream starts and before any
 * model call. The worst-case reservation and both messages are
 * written in one transaction: too few credits leaves nothing behind.
 */
import { randomUUID } from "node:crypto";

import { CHAT_REF_TYPE, reserve } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { limit, RULES, type RateLimitStore } from "~/server/rate-limit";
import type { Drain } from "~/server/shutdown/drain";
import { ServiceDrainingError } from "~/server/shutdown/errors";

import type { ChatConfig } from "./config";
import { DEFAULT_TITLE, requireOwnConversation, titleFrom } from "./conversations";
import { worstCaseCredits } from "./metering";
import type { ChatModel } from "./models";
import { buildPrompt, estimatePromptTokens, loadHistory } from "./prompt";
import { startReplyRun, type ReplyRun } from "./reply-run";
import { settleStaleReplies } from "./sweep";

export interface ChatDeps {
  db: Db;
  model: ChatModel;
  config: ChatConfig;
  rateLimitStore: RateLimitStore;
  maxTitleChars: number;
  /** A server that is shutting down refuses new messages and waits for (or stops) running replies. */
  drain?: Drain;
}

export interface SendInput {
  userId: string;
  conversationId: string;
  /** Already validated: trimmed, bounded, no control characters. */
  content: string;
  signal?: AbortSignal;
}

export function sendMessage(deps: ChatDeps, input: SendInput): Promise<ReplyRun> {
  if (deps.drain?.draining) return Promise.reject(new ServiceDrainingError());
  // A shutdown that begins while this message reserves its credits waits for it (and its reply).
  const admitted = admit(deps, input);
  return deps.drain ? deps.drain.track(admitted) : admitted;
}

async function admit(deps: ChatDeps, input: SendInput): Promise<ReplyRun> {
  const { db, config } = deps;
  const conversation = await requireOwnConversation(db, input.userId, input.conversationId);
  await limit(RULES.chatPerUser, input.userId, deps.rateLimitStore);
  // Settles this user's replies that crashed long ago, so their held credits count again.
  await settleStaleReplies(db, config, { userId: input.userId });

  const prompt = buildPrompt(await loadHistory(db, conversation.id), input.content);
  const estimatedInputTokens = estimatePromptTokens(prompt);
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const now = Date.now();

  const hold = await inTransaction(db, async (tx) => {
    const hold = await reserve(tx, {
      userId: input.userId,
      amount: worstCaseCredits(estimatedInputTokens, config),
      refType: CHAT_REF_TYPE,
      refId: assistantMessageId,
      ttlSeconds: config.holdTtlSeconds,
    });
    await tx.message.createMany({
      data: [
        { id: userMessageId, conversationId: conversation.id, role: "user", content: input.content, status: "complete", createdAt: new Date(now) },
        {
          id: assistantMessageId,
          conversationId: conversation.id,
          role: "assistant",
          content: "",
          status: "streaming",
          model: deps.model.id,
          createdAt: new Date(now + 1),
        },
      ],
    });
    await tx.conversation.update({
      where: { id: conversation.id },
      data: conversation.title === DEFAULT_TITLE ? { title: titleFrom(input.content, deps.maxTitleChars) } : { updatedAt: new Date() },
    });
    return hold;
  });

  const run = startReplyRun({
    db,
    model: deps.model,
    config,
    userId: input.userId,
    holdId: hold.id,
    assistantMessageId,
    prompt,
    estimatedInputTokens,
    start: { type: "start", userMessageId, assistantMessageId, conversationId: conversation.id },
    signal: input.signal,
  });
  deps.drain?.trackReply(run);
  return run;
}
