import { z } from "zod";

import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure, publicProcedure, type Context } from "~/server/api/trpc";
import { text, recordId } from "~/server/api/validation";
import {
  catalogFromEnv,
  chatConfigFromEnv,
  chooseModel,
  createConversation,
  deleteConversation,
  editLastMessage,
  listConversations,
  listMessages,
  modelOffers,
  quoteExchange,
  regenerateReply,
  renameConversation,
  sendMessage,
  singleModelCatalog,
  type ChatCatalog,
  type ChatConfig,
  type ChatDeps,
  type ChatModel,
  type ModelOffer,
  type Quote,
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

export type ModelOut = ModelOffer;
export type QuoteOut = Quote;

/** A model id as chat.models lists it; one the catalog does not offer is refused (BAD_REQUEST) by the domain. */
const modelId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7E]+$/, "Invalid model id.");
const EXCHANGE_KINDS = ["send", "regenerate", "edit"] as const;
/** Which balance pays: a team's id (the caller must be a member), null for the caller's own; absent: the conversation's last choice. */
const payerTeamId = recordId.nullable().optional();

export interface ChatRouterOptions {
  /** The models users may pick; default: from env (catalog.ts). */
  catalog?: () => ChatCatalog;
  /** Or one model that answers everything, priced by `config` (tests). */
  model?: () => ChatModel;
  config?: () => ChatConfig;
  /** Default: the process's drain (src/server/shutdown/drain.ts). */
  drain?: () => Drain;
}

export function createChatRouter(options: ChatRouterOptions = {}) {
  const config = options.config ?? chatConfigFromEnv;
  const single = options.model;
  const catalog = options.catalog ?? (single ? () => singleModelCatalog(single(), config()) : catalogFromEnv);
  const drain = options.drain ?? processDrain;
  const depsFor = (ctx: Context): ChatDeps => {
    const models = catalog();
    return {
      db: ctx.db,
      catalog: models,
      // The sweep an exchange runs first settles dead replies at their own model's prices: this catalog's.
      config: { ...config(), models: models.models },
      maxTitleChars: MAX_TITLE_CHARS,
      drain: drain(),
    };
  };

  /** What every exchange (send, regenerate, edit) takes from its request besides its input. */
  const exchangeContext = (ctx: Context & { userId: string; admitted: Promise<unknown> }, signal?: AbortSignal) => ({
    userId: ctx.userId,
    locale: requestLocale(ctx.headers),
    // The client's stop button: aborting the request stops generation.
    signal,
    admitted: ctx.admitted,
  });

  return createTRPCRouter({
    /** The default model. */
    model: publicProcedure.query((): { id: string; label: string; demo: boolean } => {
      const { id, label, demo } = chooseModel(catalog(), undefined);
      return { id, label, demo };
    }),
    /** Every model on offer with its prices per 1,000 tokens (public: the pricing page shows it signed out). */
    models: publicProcedure.query((): ModelOut[] => modelOffers(catalog())),
    /**
     * What an exchange would cost now: the hold it would place (maxCredits), the likely cost and
     * whether the spendable balance covers it. Writes nothing.
     */
    quote: protectedProcedure
      .input(
        z.object({
          conversationId: recordId.optional(),
          content: text({ max: MAX_MESSAGE_CHARS }),
          modelId: modelId.optional(),
          payerTeamId,
          kind: z.enum(EXCHANGE_KINDS).default("send"),
        }),
      )
      .use(LIMITS.chatQuote)
      .query(({ ctx, input }): Promise<QuoteOut> => quoteExchange(ctx.db, catalog(), { userId: ctx.userId, ...input })),
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
      .input(
        z.object({
          conversationId: recordId,
          content: text({ max: MAX_MESSAGE_CHARS }),
          modelId: modelId.optional(),
          payerTeamId,
        }),
      )
      .use(LIMITS.chatExchange)
      .mutation(
        async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> =>
          (await sendMessage(depsFor(ctx), { ...input, ...exchangeContext(ctx, signal) })).events,
      ),
    /**
     * A new reply to the last user message, streamed like send's and metered like a send; it
     * replaces the last reply, whose charge stays. CONFLICT when there is no finished exchange.
     */
    regenerate: protectedProcedure
      .input(z.object({ conversationId: recordId, modelId: modelId.optional(), payerTeamId }))
      .use(LIMITS.chatExchange)
      .mutation(
        async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> =>
          (await regenerateReply(depsFor(ctx), { ...input, ...exchangeContext(ctx, signal) })).events,
      ),
    /** The last user message, edited, and a new reply: replaces the last exchange, metered like a send. */
    editLast: protectedProcedure
      .input(
        z.object({
          conversationId: recordId,
          content: text({ max: MAX_MESSAGE_CHARS }),
          modelId: modelId.optional(),
          payerTeamId,
        }),
      )
      .use(LIMITS.chatExchange)
      .mutation(
        async ({ ctx, input, signal }): Promise<AsyncIterable<ChatStreamEvent>> =>
          (await editLastMessage(depsFor(ctx), { ...input, ...exchangeContext(ctx, signal) })).events,
      ),
  });
}

export const chatRouter = createChatRouter();
