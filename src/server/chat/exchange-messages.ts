/** The rows an exchange writes: a user message and the assistant's reply, which starts out streaming. */
import { randomUUID } from "node:crypto";

import type { Tx } from "~/server/database/transaction";

import type { NewAssistantMessage } from "./exchange";

function streamingReply(conversationId: string, assistant: NewAssistantMessage, createdAt: Date) {
  return {
    id: assistant.id,
    conversationId,
    role: "assistant" as const,
    content: "",
    status: "streaming" as const,
    model: assistant.model,
    createdAt,
  };
}

/** A new streaming reply (regenerate: the user message stays). */
export function createStreamingReply(tx: Tx, conversationId: string, assistant: NewAssistantMessage, createdAt: Date) {
  return tx.message.create({ data: streamingReply(conversationId, assistant, createdAt), select: { id: true } });
}

/** A user message at `at` and its streaming reply 1 ms later, in one statement; the user message's id. */
export async function createUserMessageAndReply(
  tx: Tx,
  conversationId: string,
  content: string,
  assistant: NewAssistantMessage,
  at: number,
  userMessageId: string = randomUUID(),
): Promise<string> {
  await tx.message.createMany({
    data: [
      { id: userMessageId, conversationId, role: "user", content, status: "complete", createdAt: new Date(at) },
      streamingReply(conversationId, assistant, new Date(at + 1)),
    ],
  });
  return userMessageId;
}
