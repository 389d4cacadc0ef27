import { DomainError } from "~/server/errors";

/** A session id that is not one of the signed-in user's sessions (foreign ids read as missing). */
export class AccountSessionNotFoundError extends DomainError {
  constructor() {
    super("session_not_found", "No such session.", "NOT_FOUND");
  }
}

/** Deleting an account while one of its replies is still being written would lose that reply's charge. */
export class AccountBusyError extends DomainError {
  constructor() {
    super(
      "account_busy",
      "A reply is still being written; wait for it to finish, then delete the account.",
      "CONFLICT",
    );
  }
}

/** An account without a password (OAuth) confirms deletion by typing its email; it did not match. */
export class DeletionNotConfirmedError extends DomainError {
  constructor() {
    super("deletion_not_confirmed", "Type your email address to confirm.", "BAD_REQUEST");
  }
}
