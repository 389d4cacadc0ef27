import { DomainError } from "~/server/errors";

/** Production without STRIPE_SECRET_KEY (or a webhook secret): billing is off, not crashed. */
export class BillingNotConfiguredError extends DomainError {
  constructor(what = "STRIPE_SECRET_KEY") {
    super(
      "billing_not_configured",
      `Billing is not configured on this server (${what} is missing).`,
      "PRECONDITION_FAILED",
    );
  }
}

export class UnknownPackError extends DomainError {
  constructor(packId: string) {
    super("unknown_pack", `Unknown credit pack: ${packId}.`, "BAD_REQUEST");
  }
}

export class CheckoutSessionNotFoundError extends DomainError {
  constructor(sessionId: string) {
    super("checkout_session_not_found", `No checkout session ${sessionId}.`, "NOT_FOUND");
  }
}

/** The session was created for another account: never reveal or credit it. */
export class CheckoutSessionForbiddenError extends DomainError {
  constructor() {
    super("checkout_session_forbidden", "This checkout session belongs to another account.", "FORBIDDEN");
  }
}

/** The session does not match what this app sells (amount, currency, pack, credits, mode). */
export class CheckoutSessionRejectedError extends DomainError {
  constructor(readonly reason: string) {
    super(
      "checkout_session_rejected",
      `This checkout session cannot be credited (${reason}).`,
      "UNPROCESSABLE_CONTENT",
    );
  }
}

/** No such saved card on the user's customer (unknown, another user's, or already removed). */
export class SavedCardNotFoundError extends DomainError {
  constructor() {
    super("saved_card_not_found", "No such saved card.", "NOT_FOUND");
  }
}

/** Checkout for a team's pool cannot keep the card: saved cards are the buyer's own (their auto top-up). */
export class TeamCardNotSavableError extends DomainError {
  constructor() {
    super(
      "team_card_not_savable",
      'A card cannot be saved when buying for a team; untick "Save my card" to continue.',
      "BAD_REQUEST",
    );
  }
}
