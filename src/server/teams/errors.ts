import { DomainError } from "~/server/errors";

/** No such team, or the caller is not in it: the same answer, so nobody learns which teams exist. */
export class TeamNotFoundError extends DomainError {
  constructor(teamId: string) {
    super("team_not_found", `No team ${teamId}.`, "NOT_FOUND");
  }
}

/** The caller is in the team but their role does not allow this. */
export class TeamRoleRequiredError extends DomainError {
  constructor(readonly required: "admin" | "owner") {
    super("team_role_required", `Only a team ${required} can do this.`, "FORBIDDEN");
  }
}

/** A membership change the rules refuse (the owner leaving without a transfer, removing the owner…). */
export class TeamMembershipError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, "CONFLICT");
  }
}

export class InviteNotUsableError extends DomainError {
  constructor(readonly state: "missing" | "expired" | "revoked" | "accepted" | "wrong_email") {
    super(
      `invite_${state}`,
      state === "wrong_email"
        ? "This invitation was sent to another email address."
        : state === "missing"
          ? "This invitation link is not valid."
          : `This invitation was ${state === "expired" ? "not used in time" : state}.`,
      state === "missing" ? "NOT_FOUND" : "CONFLICT",
    );
  }
}

/** The member acted on is not in this team (the caller is: they already passed requireTeamRole). */
export class TeamMemberNotFoundError extends DomainError {
  constructor(memberId: string) {
    super("team_member_not_found", `No member ${memberId} in this team.`, "NOT_FOUND");
  }
}

/** The invited address is the caller's, but they have not confirmed they own it yet. */
export class InviteEmailUnverifiedError extends DomainError {
  constructor() {
    super("invite_email_unverified", "Confirm your email address first, then accept the invitation.", "FORBIDDEN");
  }
}
