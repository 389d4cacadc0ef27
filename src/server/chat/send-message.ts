/** chat.send's domain side: a new user message and its reply, through the shared exchange path. */
import { DEFAULT_TITLE, titleFrom } from "./conversations";
import { userMessageAndReplyWithHold } from "./exchange-messages";
import { startExchange, type ChatDeps, type ExchangeRequest } from "./exchange";
import { exchangePrompt } from "./exchange-prompt";
import type { ReplyRun } from "./reply-run";

export type { ChatDeps } from "./exchange";

export interface SendInput extends ExchangeRequest {
  /** Already validated: trimmed, bounded, no control characters. */
  content: string;
}

export function sendMessage(deps: ChatDeps, input: SendInput): Promise<ReplyRun> {
  return startExchange(
    deps,
    input,
    async (conversation, model, firstPage) => ({
      prompt: (await exchangePrompt(deps.db, "send", conversation.id, input.content, model, firstPage)).prompt,
      write: {
        withHold: (assistant, choices) =>
          userMessageAndReplyWithHold(conversation.id, input.content, assistant, Date.now(), {
            // The first message names an untitled conversation.
            title: conversation.title === DEFAULT_TITLE ? titleFrom(input.content, deps.maxTitleChars) : undefined,
            ...choices,
          }),
      },
    }),
    { readsFirstHistoryPage: true },
  );
}
