/**
 * The prompt sent with each reply: a system line, the most recent turns that fit the chosen
 * model's context budget (in tokens, by the same estimator as the hold), and the new message, so
 * the input cost (and the hold) of a long conversation stays bounded. How many older turns were
 * left out is returned with it, for the quote and the UI.
 */
import type { ModelMessage } from "ai";

import { Prisma } from "~/generated/prisma/client";
import { driverRows } from "~/server/database/driver-rows";
import type { DbOrTx } from "~/server/database/transaction";

import { countTokens, MESSAGE_OVERHEAD_TOKENS } from "./tokens";

export const SYSTEM_PROMPT =
  "You are Tally, a helpful assistant. Answer clearly and concisely; use Markdown where it helps.";
/** History is read newest first in pages of this many messages, until the budget is full. */
const HISTORY_PAGE = 100;

export interface PromptTurn {
  role: "user" | "assistant";
  content: string;
}

export interface History {
  /** Oldest first. */
  turns: PromptTurn[];
  /** Earlier messages of the conversation left out of the context. */
  omittedTurns: number;
}

/** What one history turn adds to the prompt's estimate. */
export function turnTokens(turn: PromptTurn): number {
  return countTokens(turn.content) + MESSAGE_OVERHEAD_TOKENS;
}

/** The turns that may be resent: finished or stopped replies with text, still in the conversation. */
function resendable(conversationId: string | Prisma.Sql, before?: Date): Prisma.Sql {
  return Prisma.sql`"conversationId" = ${conversationId} AND content <> ''
    AND status IN ('complete'::"MessageStatus", 'stopped'::"MessageStatus") AND "replacedById" IS NULL
    ${before ? Prisma.sql`AND "createdAt" < ${before}` : Prisma.empty}`;
}

/** One page of resendable turns, newest first; `conversationId` may be a column of an enclosing query. */
function historyPageSql(conversationId: string | Prisma.Sql, opts: { before?: Date; skip?: number } = {}) {
  return Prisma.sql`SELECT role::text AS role, content, "createdAt", id FROM "Message"
     WHERE ${resendable(conversationId, opts.before)}
     ORDER BY "createdAt" DESC, id DESC LIMIT ${HISTORY_PAGE}::int OFFSET ${opts.skip ?? 0}::int`;
}

/**
 * One page of resendable turns, newest first (`skip` pages in). Needs no budget, so a send reads
 * the first page with its conversation check (firstHistoryPageJson); straight to the driver
 * (driver-rows.ts), as every exchange reads it.
 */
export async function historyPage(
  db: DbOrTx,
  conversationId: string,
  opts: { before?: Date; skip?: number } = {},
): Promise<PromptTurn[]> {
  const rows = await driverRows<PromptTurn>(db, historyPageSql(conversationId, opts));
  return rows.map(({ role, content }) => ({ role, content }));
}

/** historyPage's first page as one JSON array, for an enclosing query: `conversationId` is its column of the conversation's id. */
export function firstHistoryPageJson(conversationId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT COALESCE(json_agg(json_build_object('role', p.role, 'content', p.content)
      ORDER BY p."createdAt" DESC, p.id DESC), '[]'::json)
    FROM (${historyPageSql(conversationId)}) p`;
}

async function countResendable(db: DbOrTx, conversationId: string, before?: Date): Promise<number> {
  const [row] = await driverRows<{ n: bigint }>(
    db,
    Prisma.sql`SELECT COUNT(*) AS n FROM "Message" WHERE ${resendable(conversationId, before)}`,
  );
  return Number(row!.n);
}

/**
 * Earlier turns worth resending, newest first until `budgetTokens` is used up: finished or
 * stopped replies with text, newest last. Replaced messages (regenerated or edited) are gone from
 * the conversation; `before` keeps only older turns. `firstPage`: the first page, already read.
 */
export async function loadHistory(
  db: DbOrTx,
  conversationId: string,
  opts: { budgetTokens: number; before?: Date; firstPage?: PromptTurn[] },
): Promise<History> {
  const kept: PromptTurn[] = [];
  let used = 0;
  let full = false;
  for (let skip = 0; !full; skip += HISTORY_PAGE) {
    const rows =
      skip === 0 && opts.firstPage
        ? opts.firstPage
        : await historyPage(db, conversationId, { before: opts.before, skip });
    for (const row of rows) {
      const cost = turnTokens(row);
      if (used + cost > opts.budgetTokens) {
        full = true;
        break;
      }
      used += cost;
      kept.push(row);
    }
    if (rows.length < HISTORY_PAGE) break;
  }
  let omittedTurns = full ? (await countResendable(db, conversationId, opts.before)) - kept.length : 0;
  // A prompt should not open with an assistant turn that answers a dropped question.
  while (kept.at(-1)?.role === "assistant") {
    kept.pop();
    omittedTurns += 1;
  }
  return { turns: kept.reverse(), omittedTurns };
}

/**
 * The prompt for `userText` after the conversation's history, within `contextTokens` (a message
 * that alone exceeds it is sent without history: it is bounded by MAX_MESSAGE_CHARS).
 */
export async function promptWithinBudget(
  db: DbOrTx,
  conversationId: string | null,
  userText: string,
  contextTokens: number,
  before?: Date,
  firstPage?: PromptTurn[],
): Promise<{ prompt: Prompt; omittedTurns: number }> {
  const bare = estimatePromptTokens(buildPrompt([], userText));
  const history = conversationId
    ? await loadHistory(db, conversationId, { budgetTokens: Math.max(0, contextTokens - bare), before, firstPage })
    : { turns: [], omittedTurns: 0 };
  return { prompt: buildPrompt(history.turns, userText), omittedTurns: history.omittedTurns };
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
