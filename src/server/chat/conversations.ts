/**
 * Conversations and their messages, always scoped to their owner: another user's id reads
 * exactly like a missing one (ConversationNotFoundError) and nothing is written.
 */
import type { Db } from "~/server/db";
import type { DbOrTx } from "~/server/database/transaction";

import { ConversationNotFoundError } from "./errors";

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
}

export interface MessageView {
  id: string;
  role: "user" | "assistant";
  content: string;
  status: "streaming" | "complete" | "stopped" | "error";
  creditsCharged: number | null;
  createdAt: Date;
  /** The model that wrote a reply (null for user messages). */
  model?: string | null;
}

const conversationFields = { id: true, title: true, updatedAt: true, modelId: true } as const;
const messageFields = {
  id: true,
  role: true,
  content: true,
  status: true,
  creditsCharged: true,
  createdAt: true,
  model: true,
} as const;

export async function requireOwnConversation(db: DbOrTx, userId: string, id: string): Promise<ConversationView> {
  const found = await db.conversation.findFirst({ where: { id, userId }, select: conversationFields });
  if (!found) throw new ConversationNotFoundError(id);
  return found;
}

/**
 * Newest activity first. `search` keeps the conversations whose title, or the text of one of
 * their messages still in the conversation, contains it (case-insensitive).
 */
export function listConversations(db: Db, userId: string, search?: string): Promise<ConversationView[]> {
  // Prisma passes `contains` to (I)LIKE as is: its wildcards must match themselves.
  const contains = search?.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  return db.conversation.findMany({
    where: {
      userId,
      ...(contains
        ? {
            OR: [
              { title: { contains, mode: "insensitive" as const } },
              { messages: { some: { content: { contains, mode: "insensitive" as const }, replacedById: null } } },
            ],
          }
        : {}),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: MAX_LISTED_CONVERSATIONS,
    select: conversationFields,
  });
}

export function createConversation(db: Db, userId: string, title?: string): Promise<ConversationView> {
  return db.conversation.create({ data: { userId, title: title ?? DEFAULT_TITLE }, select: conversationFields });
}

export async function renameConversation(db: Db, userId: string, id: string, title: string): Promise<ConversationView> {
  const { count } = await db.conversation.updateMany({ where: { id, userId }, data: { title } });
  if (count === 0) throw new ConversationNotFoundError(id);
  return requireOwnConversation(db, userId, id);
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
  return newestFirst.reverse();
}

/** A title from the first message: one line, cut at a word boundary. */
export function titleFrom(content: string, maxChars: number): string {
  const line = content.replace(/\s+/g, " ").trim();
  if (line.length <= maxChars) return line;
  const cut = line.slice(0, maxChars - 1);
  const atWord = cut.lastIndexOf(" ");
  return `${(atWord > maxChars / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
