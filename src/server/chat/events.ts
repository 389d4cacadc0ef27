export type ReplyStatus = "complete" | "stopped" | "error";

/** What `chat.send` streams, in order: one start, any number of deltas, then exactly one done. */
export type ChatStreamEvent =
  | { type: "start"; userMessageId: string; assistantMessageId: string; conversationId: string }
  | { type: "delta"; text: string }
  | {
      type: "done";
      status: ReplyStatus;
      usage: { inputTokens: number; outputTokens: number };
      creditsCharged: number;
      error?: string;
    };
