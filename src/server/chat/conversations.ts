/**
 * Conversations and their messages, always scoped to their owner: another user's id reads
 * exactly like a missing one (ConversationNotFoundError) and nothing is written.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { driverRows } from "~/server/database/driver-rows";
import type { DbOrTx } from "~/server/database/transaction";

import { ConversationNotFoundError } from "./errors";
import { firstHistoryPageJson, type PromptTurn } from "./prompt";

/** Untitled until the first message names it; the UI shows "New conversation" in the reader's own locale. */
export const DEFAULT_TITLE = "";
export const MAX_LISTED_CONVERSATIONS = 100;
export const MAX_LISTED_MESSAGES = 500;

export interface ConversationView {
  id: string;
  title: string;
  updatedAt: Date;
  /** The model last chosen in this conversation (null: the default). */
  modelId?: string | null;
  /** The balance last chosen to pay in it: a team's id, null for the user's own. */
  payerTeamId?: string | null;
}

/** A conversation as an exchange or a quote reads it: with whether its remembered payer still is one of the user's teams. */
export interface OwnConversation extends ConversationView {
  payerTeamId: string | null;
  /** The remembered team still has the user as a member (false when none is remembered). */
  payerIsMember: boolean;
}

/** Who paid a reply: the team whose pool did, or null for the user's own balance. */
export interface ReplyPayer {
  teamId: string;
  name: string;
}

/** A conversation in the list: what it has cost so far with it. */
export interface ConversationSummary extends ConversationView {
  /**
   * Credits charged for every reply in it, the ones a regenerate or an edit replaced included
   * (they were paid): the sum of its chat ledger rows.
   */
  creditsTotal: number;
}

export interface MessageView {
  id: string;
  role: "user" | "assistant";
  content: string;
  status: "streaming" | "complete" | "stopped" | "error";
  creditsCharged: number | null;
  /** A reply's tokens in and out (null for the user's messages and replies not yet measured). */
  inputTokens: number | null;
  outputTokens: number | null;
  createdAt: Date;
  /** The model that wrote a reply (null for user messages). */
  model?: string | null;
  /** The team whose pool paid this reply; null: the user's own balance (and every user message). */
  paidBy?: ReplyPayer | null;
}

const conversationFields = { id: true, title: true, updatedAt: true, modelId: true, payerTeamId: true } as const;
const messageFields = {
  id: true,
  role: true,
  content: true,
  status: true,
  creditsCharged: true,
  inputTokens: true,
  outputTokens: true,
  createdAt: true,
  model: true,
  paidByTeam: { select: { id: true, name: true } },
} as const;

/**
 * The user's conversation, in one statement with whether its remembered payer is still a team of
 * theirs (someone who left or was removed must never spend that pool by default); with
 * `firstHistoryPage` (a send), the history's first page too (prompt.ts), read only when it is theirs.
 */
export async function requireOwnConversation(
  db: DbOrTx,
  userId: string,
  id: string,
  opts: { firstHistoryPage?: boolean } = {},
): Promise<OwnConversation & { firstHistoryPage?: PromptTurn[] }> {
  const history = opts.firstHistoryPage
    ? Prisma.sql`, (${firstHistoryPageJson(Prisma.sql`c.id`)}) AS "firstHistoryPage"`
    : Prisma.empty;
  // Every exchange starts with it: straight to the driver (driver-rows.ts).
  const [found] = await driverRows<OwnConversation & { firstHistoryPage?: PromptTurn[] }>(
    db,
    Prisma.sql`
    SELECT c.id, c.title, c."updatedAt", c."modelId", c."payerTeamId",
           EXISTS (SELECT 1 FROM "TeamMember" tm WHERE tm."teamId" = c."payerTeamId" AND tm."userId" = ${userId})
             AS "payerIsMember" ${history}
      FROM "Conversation" c
     WHERE c.id = ${id} AND c."userId" = ${userId}`,
  );
  if (!found) throw new ConversationNotFoundError(id);
  return found;
}

/** The payer an exchange uses when none is chosen: the remembered team while the user is in it, else their own balance. */
export function rememberedPayer(conversation: OwnConversation): string | null {
  return conversation.payerIsMember ? conversation.payerTeamId : null;
}

/**
 * The conversation list's one query: the user's conversations through the (userId, updatedAt)
 * index, each with its credits total summed over its messages through the (conversationId,
 * createdAt) index, replaced replies included. `search` keeps the conversations whose title, or
 * the text of one of their messages still in the conversation, contains it (case-insensitive).
 */
export function conversationListQuery(userId: string, search?: string): Prisma.Sql {
  // ILIKE's wildcards in the search must match themselves (backslash is its escape character).
  const contains = search?.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = contains ? `%${contains}%` : null;
  return Prisma.sql`
    SELECT c.id, c.title, c."updatedAt", c."modelId",
           -- A team the user has since left is no longer their choice: the next exchange falls back to their own.
           (SELECT tm."teamId" FROM "TeamMember" tm WHERE tm."teamId" = c."payerTeamId" AND tm."userId" = ${userId})
             AS "payerTeamId",
           (SELECT SUM(m."creditsCharged") FROM "Message" m WHERE m."conversationId" = c.id) AS "creditsTotal"
      FROM "Conversation" c
     WHERE c."userId" = ${userId}
       ${
         pattern
           ? Prisma.sql`AND (c.title ILIKE ${pattern} OR EXISTS (
               SELECT 1 FROM "Message" s
                WHERE s."conversationId" = c.id AND s."replacedById" IS NULL AND s.content ILIKE ${pattern}))`
           : Prisma.empty
       }
     ORDER BY c."updatedAt" DESC, c.id DESC
     LIMIT ${MAX_LISTED_CONVERSATIONS}`;
}

/** Newest activity first, each with what it has cost so far (see conversationListQuery). */
export async function listConversations(db: DbOrTx, userId: string, search?: string): Promise<ConversationSummary[]> {
  const rows = await db.$queryRaw<(ConversationView & { creditsTotal: bigint | number | null })[]>(
    conversationListQuery(userId, search),
  );
  return rows.map((r) => ({ ...r, creditsTotal: Number(r.creditsTotal ?? 0) }));
}

export function createConversation(db: Db, userId: string, title?: string): Promise<ConversationView> {
  return db.conversation.create({ data: { userId, title: title ?? DEFAULT_TITLE }, select: conversationFields });
}

export async function renameConversation(db: Db, userId: string, id: string, title: string): Promise<ConversationView> {
  const { count } = await db.conversation.updateMany({ where: { id, userId }, data: { title } });
  if (count === 0) throw new ConversationNotFoundError(id);
  const renamed = await db.conversation.findFirst({ where: { id, userId }, select: conversationFields });
  if (!renamed) throw new ConversationNotFoundError(id);
  return renamed;
}

/** Deletes the conversation and its messages. A reply still streaming keeps its hold and settles as usual. */
export async function deleteConversation(db: Db, userId: string, id: string): Promise<{ id: string }> {
  const { count } = await db.conversation.deleteMany({ where: { id, userId } });
  if (count === 0) throw new ConversationNotFoundError(id);
  return { id };
}

/** The latest messages in chronological order. */
export async function listMessages(db: Db, userId: string, conversationId: string): Promise<MessageView[]> {
  await requireOwnConversation(db, userId, conversationId);
  const newestFirst = await db.message.findMany({
    where: { conversationId, replacedById: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_LISTED_MESSAGES,
    select: messageFields,
  });
  return newestFirst.reverse().map(({ paidByTeam, ...m }) => ({
    ...m,
    paidBy: paidByTeam ? { teamId: paidByTeam.id, name: paidByTeam.name } : null,
  }));
}

/** A title from the first message: one line, cut at a word boundary. */
export function titleFrom(content: string, maxChars: number): string {
  const line = content.replace(/\s+/g, " ").trim();
  if (line.length <= maxChars) return line;
  const cut = line.slice(0, maxChars - 1);
  const atWord = cut.lastIndexOf(" ");
  return `${(atWord > maxChars / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
