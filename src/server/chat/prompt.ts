/**
 * The prompt sent with each reply: a system line plus the most recent turns that fit a budget,
 * so the input cost (and the reservation) of a long conversation stays bounded.
 */
import type { ModelMessage } from "ai";

import type { DbOrTx } from "~/server/database/transaction";

import { countTokens, MESSAGE_OVERHEAD_TOKENS } from "./tokens";

export const SYSTEM_PROMPT =
  "You are Tally, a helpful assistant. Answer clearly and concisely; use Markdown where it helps.";
export const HISTORY_MAX_MESSAGES = 20;
export const HISTORY_MAX_CHARS = 24_000;

export interface PromptTurn {
  role: "user" | "assistant";
  content: string;
}

/**
 * Earlier turns worth resending: finished or stopped replies with text, newest last. Replaced
 * messages (regenerated or edited) are gone from the conversation; `before` keeps only older turns.
 */
export async function loadHistory(db: DbOrTx, conversationId: string, before?: Date): Promise<PromptTurn[]> {
  const rows = await db.message.findMany({
    where: {
      conversationId,
      content: { not: "" },
      status: { in: ["complete", "stopped"] },
      replacedById: null,
      ...(before ? { createdAt: { lt: before } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_MAX_MESSAGES,
    select: { role: true, content: true },
  });
  const kept: PromptTurn[] = [];
  let chars = 0;
  for (const row of rows) {
    chars += row.content.length;
    if (chars > HISTORY_MAX_CHARS) break;
    kept.push(row);
  }
  // A prompt should not open with an assistant turn that answers a dropped question.
  while (kept.at(-1)?.role === "assistant") kept.pop();
  return kept.reverse();
}

export interface Prompt {
  system: string;
  messages: ModelMessage[];
}

export function buildPrompt(history: PromptTurn[], userText: string): Prompt {
  return {
    system: SYSTEM_PROMPT,
    messages: [
      ...history.map((t): ModelMessage => ({ role: t.role, content: t.content })),
      { role: "user", content: userText },
    ],
  };
}

/** Our estimate of the prompt's input tokens (what gets reserved; providers usually count fewer). */
export function estimatePromptTokens(prompt: Prompt): number {
  return prompt.messages.reduce(
    (sum, m) => sum + (typeof m.content === "string" ? countTokens(m.content) : 0) + MESSAGE_OVERHEAD_TOKENS,
    countTokens(prompt.system) + MESSAGE_OVERHEAD_TOKENS,
  );
}
