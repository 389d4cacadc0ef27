import { z } from "zod";

import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "~/server/api/trpc";
import { text, recordId } from "~/server/api/validation";
import {
  chatConfigFromEnv,
  createConversation,
  deleteConversation,
  editLastMessage,
  getChatModel,
  listConversations,
  listMessages,
  regenerateReply,
  renameConversation,
  sendMessage,
  type ChatConfig,
  type ChatDeps,
  type ChatModel,
  type ChatStreamEvent,
  type ConversationSummary,
  type ConversationView,
  type MessageView,
} from "~/server/chat";
import { requestLocale } from "~/server/auth/request-locale";
import { processDrain, type Drain } from "~/server/shutdown/drain";

export type { ChatStreamEvent } from "~/server/chat";

// One definition, shared with the browser's composer (src/lib holds no server code).
import { MAX_MESSAGE_CHARS, MAX_SEARCH_CHARS, MAX_TITLE_CHARS } from "~/lib/chat-limits";

export { MAX_MESSAGE_CHARS, MAX_SEARCH_CHARS, MAX_TITLE_CHARS };

export type ConversationOut = ConversationView;
/** A conversation in the list, with the credits its replies cost (replaced ones included). */
export type ConversationSummaryOut = ConversationSummary;
export type MessageOut = MessageView;

export interface ChatRouterOptions {
  /** Which model answers; default: from env (OpenAI-compatible endpoint, else the Demo model). */
  model?: () => ChatModel;
  config?: () => ChatConfig;
  /** Default: the process's drain (src/server/shutdown/drain.ts). */
  drain?: () => Drain;
}

let envModel: ChatModel | undefined;
const modelFromEnv = () => (envModel ??= getChatModel());

export function createChatRouter(options: ChatRouterOptions = {}) {
  const model = options.model ?? modelFromEnv;
  const config = options.config ?? chatConfigFromEnv;
  const drain = options.drain ?? processDrain;
  const depsFor = (ctx: Context): ChatDeps => ({
    db: ctx.db,
    model: model(),
    config: config(),
    maxTitleChars: MAX_TITLE_CHARS,
    drain: drain(),
  });

  return createTRPCRouter({
    model: publicProcedure.query((): { id: string; label: string; demo: boolean } => {
      const { id, label, demo } = model();
      return { id, label, demo };
    }),
    listConversations: protectedProcedure
      .input(z.object({ search: text({ max: MAX_SEARCH_CHARS }).optional() }).optional())
      .query(({ ctx, input }): Promise<ConversationSummaryOut[]> =>
        listConversations(ctx.db, ctx.userId, input?.search),
      ),
    createConversation: protectedProcedure
      .input(z.object({ title: text({ max: MAX_TITLE_CHARS }).optional() }).default({}))
      .mutation(({ ctx, input }): Promise<ConversationOut> => createConversation(ctx.db, ctx.userId, input.title)),
    renameConversation: protectedProcedure
      .input(z.object({ id: recordId, title: text({ max: MAX_TITLE_CHARS }) }))
      .mutation(({ ctx, input }): Promise<ConversationOut> =>
        renameConversation(ctx.db, ctx.userId, input.id, input.title),
      ),
    deleteConversation: protectedProcedure
      .input(z.object({ id: recordId }))
      .mutation(({ ctx, input }): Promise<{ id: string }> => deleteConversation(ctx.db, ctx.userId, input.id)),
    messages: protectedProcedure
      .input(z.object({ conversationId: recordId }))
      .query(({ ctx, input }): Promise<MessageOut[]> => listMessages(ctx.db, ctx.userId, input.conversationId)),
    /**
     * Sends a user message and streams the assistant's reply. Refusals (NOT_FOUND,
     * TOO_MANY_REQUESTS, PAYMENT_REQUIRED) reject the call itself, before any stream or model
     * call; the resolved value is the event stream. Aborting the request (the client's stop
     * button) stops generation; the usage so far is charged and the rest released.
     */
    send: protectedProcedure
      .input(z.object({ conversationId: recordId, content: text({ max: MAX_MESSAGE_CHARS }) }))
      .use(LIMITS.chatExchange)
      .mutation(async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> => {
        const run = await sendMessage(depsFor(ctx), {
          userId: ctx.userId,
          ...input,
          locale: requestLocale(ctx.headers),
          signal,
        });
        return run.events;
      }),
    /**
     * A new reply to the last user message, streamed like send's and metered like a send; it
     * replaces the last reply, whose charge stays. CONFLICT when there is no finished exchange.
     */
    regenerate: protectedProcedure
      .input(z.object({ conversationId: recordId }))
      .use(LIMITS.chatExchange)
      .mutation(async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> => {
        const run = await regenerateReply(depsFor(ctx), {
          userId: ctx.userId,
          ...input,
          locale: requestLocale(ctx.headers),
          signal,
        });
        return run.events;
      }),
    /** The last user message, edited, and a new reply: replaces the last exchange, metered like a send. */
    editLast: protectedProcedure
      .input(z.object({ conversationId: recordId, content: text({ max: MAX_MESSAGE_CHARS }) }))
      .use(LIMITS.chatExchange)
      .mutation(async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> => {
        const run = await editLastMessage(depsFor(ctx), {
          userId: ctx.userId,
          ...input,
          locale: requestLocale(ctx.headers),
          signal,
        });
        return run.events;
      }),
  });
}

export const chatRouter = createChatRouter();
