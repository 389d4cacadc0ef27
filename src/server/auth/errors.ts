import { DomainError } from "~/server/errors";

export class EmailTakenError extends DomainError {
  constructor() {
    super("email_taken", "An account with this email already exists.", "CONFLICT");
  }
}
