export { chatConfigFromEnv, type ChatConfig } from "./config";
export {
  createConversation,
  DEFAULT_TITLE,
  deleteConversation,
  listConversations,
  listMessages,
  renameConversation,
  type ConversationView,
  type MessageView,
} from "./conversations";
export { ConversationNotFoundError, NothingToReplaceError } from "./errors";
export type { ChatStreamEvent, ReplyStatus } from "./events";
export { creditsFor, worstCaseCredits, type TokenUsage } from "./metering";
export { chatModelSettingsFromEnv, getChatModel, type ChatModel, type ChatModelSettings } from "./models";
export { chatRateLimitStore } from "./rate-limit-store";
export { CHAT_REF_TYPE, type ReplyOutcome, type ReplyRun } from "./reply-run";
export { sendMessage, type ChatDeps, type SendInput } from "./send-message";
export { editLastMessage, regenerateReply, type EditInput } from "./replace-exchange";
export { settleStaleReplies, type SweepConfig } from "./sweep";
