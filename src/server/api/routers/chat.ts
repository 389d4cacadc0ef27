import { z } from "zod";

import { notImplemented } from "~/server/api/not-implemented";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc";

export const MAX_MESSAGE_CHARS = 8000;
export const MAX_TITLE_CHARS = 120;

const id = z.string().min(1).max(64);

export interface ConversationOut {
  id: string;
  title: string;
  updatedAt: Date;
}

export interface MessageOut {
  id: string;
  role: "user" | "assistant";
  content: string;
  status: "streaming" | "complete" | "stopped" | "error";
  creditsCharged: number | null;
  createdAt: Date;
}

/** What `chat.send` streams, in order: one start, any number of deltas, then exactly one done. */
export type ChatStreamEvent =
  | { type: "start"; userMessageId: string; assistantMessageId: string; conversationId: string }
  | { type: "delta"; text: string }
  | {
      type: "done";
      status: "complete" | "stopped" | "error";
      usage: { inputTokens: number; outputTokens: number };
      creditsCharged: number;
      error?: string;
    };

export const chatRouter = createTRPCRouter({
  model: publicProcedure.query(async (): Promise<{ id: string; label: string; demo: boolean }> => notImplemented()),
  listConversations: protectedProcedure.query(async (): Promise<ConversationOut[]> => notImplemented()),
  createConversation: protectedProcedure
    .input(z.object({ title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional() }).default({}))
    .mutation(async (): Promise<ConversationOut> => notImplemented()),
  renameConversation: protectedProcedure
    .input(z.object({ id, title: z.string().trim().min(1).max(MAX_TITLE_CHARS) }))
    .mutation(async (): Promise<ConversationOut> => notImplemented()),
  deleteConversation: protectedProcedure.input(z.object({ id })).mutation(async (): Promise<{ id: string }> => notImplemented()),
  messages: protectedProcedure
    .input(z.object({ conversationId: id }))
    .query(async (): Promise<MessageOut[]> => notImplemented()),
  /**
   * Sends a user message and streams the assistant's reply. Aborting the request (the
   * client's stop button) stops generation; the usage so far is charged and the rest released.
   * Too few credits for the worst-case cost → PAYMENT_REQUIRED before any model call.
   */
  send: protectedProcedure
    .input(z.object({ conversationId: id, content: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }))
    .mutation(async function* (): AsyncGenerator<ChatStreamEvent, void, unknown> {
      notImplemented();
      yield* [];
    }),
});
