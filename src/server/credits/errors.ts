import type { CreditShortfall } from "~/lib/credit-shortfall";
import { DomainError } from "~/server/errors";

/**
 * Too few spendable credits. The API layer turns this into PAYMENT_REQUIRED and hands the numbers
 * (`shortfall`) to the paywall; they are read under the account lock, in the refusing transaction.
 */
export class InsufficientCreditsError extends DomainError {
  constructor(
    readonly required: number,
    readonly available: number,
    /** Held by work in progress (replies) when refused. */
    readonly held: number,
    /** The account's balance when refused, held credits included. */
    readonly balance: number,
  ) {
    super(
      "insufficient_credits",
      `Insufficient credits: ${required} needed, ${available} available (${held} held of ${balance}).`,
      "PAYMENT_REQUIRED",
    );
  }

  get shortfall(): CreditShortfall {
    return { needed: this.required, spendable: this.available, held: this.held, balance: this.balance };
  }
}

export class AccountNotFoundError extends DomainError {
  constructor(userId: string) {
    super("account_not_found", `No account ${userId}.`, "NOT_FOUND");
  }
}

/** The idempotency ref is already used by another account: a caller bug, never silently merged. */
export class LedgerRefConflictError extends DomainError {
  constructor(refType: string, refId: string) {
    super("ledger_ref_conflict", `Ledger ref ${refType}:${refId} belongs to another account.`, "CONFLICT");
  }
}

export class InvalidAmountError extends DomainError {
  constructor(amount: number) {
    super("invalid_amount", `Invalid credit amount: ${amount}.`, "BAD_REQUEST");
  }
}

export class HoldNotActiveError extends DomainError {
  constructor(holdId: string, status: string) {
    super("hold_not_active", `Hold ${holdId} is ${status}.`, "CONFLICT");
  }
}
