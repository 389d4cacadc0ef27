/** The rows an exchange writes: a user message and the assistant's reply, which starts out streaming. */
import { randomUUID } from "node:crypto";

import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/server/database/transaction";

import type { ReplyStatus } from "./events";
import type { ConversationChoices, NewAssistantMessage } from "./exchange";
import type { TokenUsage } from "./metering";

function streamingReply(conversationId: string, assistant: NewAssistantMessage, createdAt: Date) {
  return {
    id: assistant.id,
    conversationId,
    role: "assistant" as const,
    content: "",
    status: "streaming" as const,
    model: assistant.model,
    paidByTeamId: assistant.paidByTeamId,
    createdAt,
  };
}

/** A new streaming reply (regenerate: the user message stays). */
export function createStreamingReply(tx: Tx, conversationId: string, assistant: NewAssistantMessage, createdAt: Date) {
  return tx.message.create({ data: streamingReply(conversationId, assistant, createdAt), select: { id: true } });
}

/**
 * A user message at `at` and its streaming reply 1 ms later, and the conversation touched
 * (`title` given: renamed too), in one statement; the user message's id.
 */
export async function createUserMessageAndReply(
  tx: Tx,
  conversationId: string,
  content: string,
  assistant: NewAssistantMessage,
  at: number,
  opts: { userMessageId?: string; title?: string } = {},
): Promise<string> {
  const userMessageId = opts.userMessageId ?? randomUUID();
  await tx.$executeRaw`
    WITH messages AS (
      INSERT INTO "Message" (id, "conversationId", role, content, status, model, "paidByTeamId", "createdAt")
      VALUES (${userMessageId}, ${conversationId}, 'user'::"MessageRole", ${content}, 'complete'::"MessageStatus",
              NULL, NULL, ${new Date(at)}),
             (${assistant.id}, ${conversationId}, 'assistant'::"MessageRole", '', 'streaming'::"MessageStatus",
              ${assistant.model}, ${assistant.paidByTeamId}, ${new Date(at + 1)})
    )
    UPDATE "Conversation" SET title = COALESCE(${opts.title ?? null}::text, title), "updatedAt" = ${new Date()}
     WHERE id = ${conversationId}`;
  return userMessageId;
}

export interface NewExchange {
  userMessageId: string;
  /** CTEs for the hold's own statement (credits/holds.ts reserve's `withHold`). */
  withHold: Prisma.Sql;
}

/**
 * createUserMessageAndReply as writes that belong with the exchange's hold: both messages and
 * the conversation touched (renamed with `title`, its model and payer remembered when given),
 * only if the hold is placed, in the reservation's own statement.
 */
export function userMessageAndReplyWithHold(
  conversationId: string,
  content: string,
  assistant: NewAssistantMessage,
  at: number,
  opts: { title?: string } & ConversationChoices = {},
): NewExchange {
  const userMessageId = randomUUID();
  const withHold = Prisma.sql`,
    user_message AS (
      INSERT INTO "Message" (id, "conversationId", role, content, status, model, "createdAt")
      SELECT ${userMessageId}, ${conversationId}, 'user'::"MessageRole", ${content}, 'complete'::"MessageStatus",
             NULL, ${new Date(at)}
        FROM hold
    ), reply AS (
      INSERT INTO "Message" (id, "conversationId", role, content, status, model, "paidByTeamId", "createdAt")
      SELECT ${assistant.id}, ${conversationId}, 'assistant'::"MessageRole", '', 'streaming'::"MessageStatus",
             ${assistant.model}, ${assistant.paidByTeamId}, ${new Date(at + 1)}
        FROM hold
    ), touched AS (
      UPDATE "Conversation" c
         SET title = COALESCE(${opts.title ?? null}::text, c.title),
             "modelId" = COALESCE(${opts.modelId ?? null}::text, c."modelId"),
             "payerTeamId" = ${opts.payerTeamId === undefined ? Prisma.sql`c."payerTeamId"` : Prisma.sql`${opts.payerTeamId}::text`},
             "updatedAt" = ${new Date()}
        FROM hold WHERE c.id = ${conversationId}
    )`;
  return { userMessageId, withHold };
}

/** A reply's final state, written with its settle. */
export interface FinalReply extends TokenUsage {
  content: string;
  status: ReplyStatus;
}

/**
 * The reply's final message as a write of its settle's own statement (credits settleWith's
 * `withSettle`): written only if the hold closes, with the amount the settle charged.
 */
export function finalReplyWithSettle(messageId: string, final: FinalReply): Prisma.Sql {
  return Prisma.sql`,
    final_reply AS (
      UPDATE "Message" m
         SET content = ${final.content}, status = ${final.status}::"MessageStatus",
             "inputTokens" = ${final.inputTokens}::int, "outputTokens" = ${final.outputTokens}::int,
             "creditsCharged" = c."settledAmount"
        FROM closed c WHERE m.id = ${messageId}
    )`;
}
