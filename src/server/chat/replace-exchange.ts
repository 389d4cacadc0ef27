/**
 * Regenerate and edit-and-resend: a new exchange through the same path, metering and limits as a
 * send (exchange.ts), that takes the place of the conversation's last one. The replaced messages
 * are not deleted: they leave the conversation (replacedById/replacedAt) but keep their charge,
 * so every chat ledger row still names the message it paid for and an audit can follow
 * old → new. Only the last exchange can be replaced, and never while its reply still streams.
 */
import { randomUUID } from "node:crypto";

import type { Tx } from "~/server/database/transaction";

import { NothingToReplaceError } from "./errors";
import { createStreamingReply, createUserMessageAndReply } from "./exchange-messages";
import { startExchange, type ChatDeps, type ExchangeRequest, type NewAssistantMessage } from "./exchange";
import { exchangePrompt } from "./exchange-prompt";
import type { ReplyRun } from "./reply-run";

export interface EditInput extends ExchangeRequest {
  /** Already validated: trimmed, bounded, no control characters. */
  content: string;
}

/**
 * Marks messages replaced, only if nobody else did first and the reply is not streaming (a
 * concurrent regenerate or edit of the same exchange): the loser's transaction, and with it
 * its reservation, rolls back.
 */
async function markReplaced(tx: Tx, replacements: { id: string; by: string }[]): Promise<void> {
  const replacedAt = new Date();
  for (const { id, by } of replacements) {
    const { count } = await tx.message.updateMany({
      where: { id, replacedById: null, status: { not: "streaming" } },
      data: { replacedById: by, replacedAt },
    });
    if (count !== 1) throw new NothingToReplaceError("reply_in_progress");
  }
}

/** A new reply to the last user message, in place of the last reply (whose charge stays). */
export function regenerateReply(deps: ChatDeps, request: ExchangeRequest): Promise<ReplyRun> {
  return startExchange(deps, request, async (conversation, model) => {
    const { prompt, last } = await exchangePrompt(deps.db, "regenerate", conversation.id, "", model);
    const { user, reply } = last!;
    return {
      prompt,
      write: {
        inTransaction: async (tx: Tx, assistant: NewAssistantMessage) => {
          await markReplaced(tx, [{ id: reply.id, by: assistant.id }]);
          await createStreamingReply(
            tx,
            conversation.id,
            assistant,
            new Date(Math.max(Date.now(), reply.createdAt.getTime() + 1)),
          );
          await tx.conversation.update({ where: { id: conversation.id }, data: { updatedAt: new Date() } });
          return user.id;
        },
      },
    };
  });
}

/** The last user message, changed, and a new reply to it, in place of the last exchange. */
export function editLastMessage(deps: ChatDeps, input: EditInput): Promise<ReplyRun> {
  return startExchange(deps, input, async (conversation, model) => {
    const { prompt, last } = await exchangePrompt(deps.db, "edit", conversation.id, input.content, model);
    const { user, reply } = last!;
    return {
      prompt,
      write: {
        inTransaction: async (tx: Tx, assistant: NewAssistantMessage) => {
          const userMessageId = randomUUID();
          await markReplaced(tx, [
            { id: user.id, by: userMessageId },
            { id: reply.id, by: assistant.id },
          ]);
          const now = Math.max(Date.now(), reply.createdAt.getTime() + 1);
          return createUserMessageAndReply(tx, conversation.id, input.content, assistant, now, { userMessageId });
        },
      },
    };
  });
}
