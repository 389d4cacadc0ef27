import { DomainError } from "~/server/errors";

/** Missing, or owned by someone else: both read the same so ids cannot be probed. */
export class ConversationNotFoundError extends DomainError {
  constructor(id: string) {
    super("conversation_not_found", `Conversation ${id} not found.`, "NOT_FOUND");
  }
}
