import { DomainError } from "~/server/errors";

/** Missing, or owned by someone else: both read the same so ids cannot be probed. */
export class ConversationNotFoundError extends DomainError {
  constructor(id: string) {
    super("conversation_not_found", `Conversation ${id} not found.`, "NOT_FOUND");
  }
}

/** Regenerate or edit asked of a conversation whose last exchange cannot be replaced (none yet, or still streaming, or just replaced). */
export class NothingToReplaceError extends DomainError {
  constructor(reason: "no_exchange" | "reply_in_progress") {
    super(
      reason === "no_exchange" ? "nothing_to_replace" : "reply_in_progress",
      "The last exchange cannot be replaced right now.",
      "CONFLICT",
    );
  }
}

/** A modelId the catalog does not offer: refused before anything is read or written. */
export class UnknownModelError extends DomainError {
  constructor() {
    // The id is the caller's text: not repeated (error messages may reach logs).
    super("unknown_model", "Unknown model: pick one of the models chat.models lists.", "BAD_REQUEST");
  }
}
