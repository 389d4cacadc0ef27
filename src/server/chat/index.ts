export { chatConfigFromEnv, type ChatConfig } from "./config";
export {
  createConversation,
  DEFAULT_TITLE,
  deleteConversation,
  listConversations,
  listMessages,
  renameConversation,
  type ConversationSummary,
  type ConversationView,
  type MessageView,
} from "./conversations";
export { ConversationNotFoundError, NothingToReplaceError, UnknownModelError } from "./errors";
export {
  buildCatalog,
  catalogFromEnv,
  chooseModel,
  DEMO_MODEL_IDS,
  singleModelCatalog,
  type CatalogModel,
  type CatalogSettings,
  type ChatCatalog,
} from "./catalog";
export {
  modelOffers,
  quoteExchange,
  typicalMessageCredits,
  type ModelOffer,
  type Quote,
  type QuoteRequest,
} from "./quote";
export type { ExchangeKind } from "./exchange-prompt";
export type { ChatStreamEvent, ReplyStatus } from "./events";
export { creditsFor, priceExchange, worstCaseCredits, type ExchangePrice, type TokenUsage } from "./metering";
export { chatModelSettingsFromEnv, getChatModel, type ChatModel, type ChatModelSettings } from "./models";
export type { ReplyOutcome, ReplyRun } from "./reply-run";
// The ledger ref type chat writes, defined once in credits.
export { CHAT_REF_TYPE } from "~/server/credits/ref-types";
export { sendMessage, type ChatDeps, type SendInput } from "./send-message";
export { catalogOf } from "./exchange";
export { editLastMessage, regenerateReply, type EditInput } from "./replace-exchange";
export { chatHoldClosers, failOrphanedReplies, pricesOfModel, settleStaleReplies, type SweepConfig } from "./sweep";
