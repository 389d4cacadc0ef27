import type { CreditShortfall } from "~/lib/credit-shortfall";
import type { LimitPeriod } from "~/lib/teams";
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
    /** Set when the refusing account was a team's pool. */
    readonly teamId: string | null = null,
    code = "insufficient_credits",
    message = `Insufficient credits: ${required} needed, ${available} available (${held} held of ${balance}).`,
  ) {
    super(code, message, "PAYMENT_REQUIRED");
  }

  get shortfall(): CreditShortfall {
    return {
      needed: this.required,
      spendable: this.available,
      held: this.held,
      balance: this.balance,
      ...(this.teamId ? { teamId: this.teamId } : {}),
    };
  }
}

/**
 * A team member's own spending limit refused, though the pool may hold enough. Still a
 * PAYMENT_REQUIRED (the paywall opens), its shortfall naming the period, the limit and what counted
 * against it (spent in the period plus the member's active holds on the pool). `available` is what
 * the member could still commit: min(pool spendable, limit − used).
 */
export class MemberLimitExceededError extends InsufficientCreditsError {
  constructor(
    required: number,
    available: number,
    held: number,
    balance: number,
    teamId: string,
    readonly period: LimitPeriod,
    readonly limit: number,
    readonly used: number,
  ) {
    super(
      required,
      available,
      held,
      balance,
      teamId,
      "member_limit_exceeded",
      `Your ${period === "day" ? "daily" : `${period}ly`} limit on this team is ${limit} credits; ${used} counted so far, ${required} needed.`,
    );
  }

  override get shortfall(): CreditShortfall {
    return { ...super.shortfall, memberLimit: { period: this.period, limit: this.limit, used: this.used } };
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
