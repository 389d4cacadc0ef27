/**
 * The prompt of an exchange of each kind, read-only: startExchange (the hold) and chat.quote build
 * it here, so a quote prices exactly the prompt the hold would.
 */
import type { DbOrTx } from "~/server/database/transaction";

import type { CatalogModel } from "./catalog";
import { NothingToReplaceError } from "./errors";
import { promptWithinBudget, type Prompt, type PromptTurn } from "./prompt";

export type ExchangeKind = "send" | "regenerate" | "edit";

export interface StoredTurn {
  id: string;
  content: string;
  createdAt: Date;
}

export interface LastExchange {
  user: StoredTurn;
  reply: StoredTurn;
}

export interface PlannedPrompt {
  prompt: Prompt;
  /** Earlier messages left out of the context (the model's budget). */
  omittedTurns: number;
  /** regenerate / edit: the exchange they replace. */
  last?: LastExchange;
}

/** The conversation's last exchange, if it can be replaced (finished, not streaming). */
export async function lastExchange(db: DbOrTx, conversationId: string): Promise<LastExchange> {
  const [last, previous] = await db.message.findMany({
    where: { conversationId, replacedById: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 2,
    select: { id: true, role: true, content: true, status: true, createdAt: true },
  });
  if (!last || !previous || last.role !== "assistant" || previous.role !== "user")
    throw new NothingToReplaceError("no_exchange");
  if (last.status === "streaming") throw new NothingToReplaceError("reply_in_progress");
  return { user: previous, reply: last };
}

/**
 * send: `content` after the conversation's history (none for a conversation not created yet);
 * regenerate: the last user message again (`content` is ignored); edit: `content` in its place.
 * `firstHistoryPage` (send): the history's first page, already read (prompt.ts historyPage).
 */
export async function exchangePrompt(
  db: DbOrTx,
  kind: ExchangeKind,
  conversationId: string | null,
  content: string,
  model: Pick<CatalogModel, "contextTokens">,
  firstHistoryPage?: PromptTurn[],
): Promise<PlannedPrompt> {
  if (kind === "send")
    return promptWithinBudget(db, conversationId, content, model.contextTokens, undefined, firstHistoryPage);
  if (!conversationId) throw new NothingToReplaceError("no_exchange");
  const last = await lastExchange(db, conversationId);
  const text = kind === "regenerate" ? last.user.content : content;
  const planned = await promptWithinBudget(db, conversationId, text, model.contextTokens, last.user.createdAt);
  return { ...planned, last };
}
