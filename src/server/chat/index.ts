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
export { ConversationNotFoundError, NothingToReplaceError } from "./errors";
export type { ChatStreamEvent, ReplyStatus } from "./events";
export { creditsFor, worstCaseCredits, type TokenUsage } from "./metering";
export { chatModelSettingsFromEnv, getChatModel, type ChatModel, type ChatModelSettings } from "./models";
export type { ReplyOutcome, ReplyRun } from "./reply-run";
// The ledger ref type chat writes, defined once in credits.
export { CHAT_REF_TYPE } from "~/server/credits/ref-types";
export { sendMessage, type ChatDeps, type SendInput } from "./send-message";
export { editLastMessage, regenerateReply, type EditInput } from "./replace-exchange";
export { chatHoldClosers, failOrphanedReplies, settleStaleReplies, type SweepConfig } from "./sweep";
