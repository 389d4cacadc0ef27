/** chat.send's domain side: a new user message and its reply, through the shared exchange path. */
import { DEFAULT_TITLE, titleFrom } from "./conversations";
import { createUserMessageAndReply } from "./exchange-messages";
import { startExchange, type ChatDeps, type ExchangeRequest } from "./exchange";
import { exchangePrompt } from "./exchange-prompt";
import type { ReplyRun } from "./reply-run";

export type { ChatDeps } from "./exchange";

export interface SendInput extends ExchangeRequest {
  /** Already validated: trimmed, bounded, no control characters. */
  content: string;
}

export function sendMessage(deps: ChatDeps, input: SendInput): Promise<ReplyRun> {
  return startExchange(deps, input, async (conversation, model) => ({
    prompt: (await exchangePrompt(deps.db, "send", conversation.id, input.content, model)).prompt,
    write: async (tx, assistant) => {
      const userMessageId = await createUserMessageAndReply(tx, conversation.id, input.content, assistant, Date.now());
      await tx.conversation.update({
        where: { id: conversation.id },
        data:
          conversation.title === DEFAULT_TITLE
            ? { title: titleFrom(input.content, deps.maxTitleChars) }
            : { updatedAt: new Date() },
      });
      return userMessageId;
    },
  }));
}
