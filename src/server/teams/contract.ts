/**
 * Teams as the API and the UI see them: input schemas and views. The rules live in this folder's
 * other modules (access.ts decides who may do what; the credits module enforces pools and limits).
 */
import { z } from "zod";

import {
  ASSIGNABLE_ROLES,
  INVITE_TTL_DAYS,
  MAX_MEMBER_LIMIT,
  MAX_TEAM_NAME_CHARS,
  type MemberLimits,
  type TeamRoleName,
} from "~/lib/teams";
import { recordId, text } from "~/server/api/validation";
import type { LimitUse } from "~/server/credits";

export { INVITE_TTL_DAYS };

export const teamIdInput = z.object({ teamId: recordId });
export const teamNameInput = z.object({ name: text({ max: MAX_TEAM_NAME_CHARS }) });

const limit = z
  .number()
  .int("A limit is a whole number of credits.")
  .min(1, "A limit is at least 1 credit; clear it for no limit.")
  .max(MAX_MEMBER_LIMIT, `A limit is at most ${MAX_MEMBER_LIMIT} credits.`)
  .nullable();

export const memberLimitsInput = z.object({ day: limit, week: limit, month: limit });

export const inviteInput = teamIdInput.extend({
  email: z.string().trim().toLowerCase().max(254).email("Enter an email address."),
  role: z.enum(ASSIGNABLE_ROLES).default("member"),
});
/** The secret in an invitation link (/invite/<token>): base64url, 32 bytes. */
export const inviteTokenInput = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "Invalid invitation link."),
});
export const memberInput = teamIdInput.extend({ memberId: recordId });
export const setRoleInput = memberInput.extend({ role: z.enum(ASSIGNABLE_ROLES) });
export const setLimitsInput = memberInput.extend({ limits: memberLimitsInput });
export const pageInput = teamIdInput.extend({
  cursor: z.string().max(128).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

export type { LimitUse };

/** A team in the caller's list (the chat's payer chooser, /teams). */
export interface TeamSummary {
  id: string;
  name: string;
  role: TeamRoleName;
  balance: number;
  held: number;
  spendable: number;
  /** The caller's own limits on this team and their use; empty when none is set. */
  limits: LimitUse[];
  /** What the caller can spend from the pool now: min(spendable, every limit's remaining). */
  spendableForMe: number;
  memberCount: number;
}

export interface TeamMemberView {
  userId: string;
  name: string | null;
  email: string | null;
  role: TeamRoleName;
  joinedAt: Date;
  /** Admins see every member's limits and use; a member sees only their own (null for others). */
  limits: MemberLimits | null;
  use: LimitUse[] | null;
  /** Credits spent from the pool this calendar month (UTC); null when the caller may not see it. */
  spentThisMonth: number | null;
}

export interface TeamInviteView {
  id: string;
  email: string;
  role: TeamRoleName;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What an invitation link shows before it is accepted. */
export interface InvitePreview {
  teamName: string;
  invitedBy: string | null;
  role: TeamRoleName;
  email: string;
  /** The signed-in user's email is not the invited one: they may not accept. */
  emailMatches: boolean;
  /** "expired", "revoked", "accepted" links cannot be used. */
  state: "open" | "expired" | "revoked" | "accepted";
  alreadyMember: boolean;
}

export const TEAM_EVENT_ACTIONS = [
  "team_created",
  "team_renamed",
  "member_invited",
  "invite_revoked",
  "member_joined",
  "role_changed",
  "limits_changed",
  "member_removed",
  "member_left",
  "ownership_transferred",
  "credits_purchased",
  "credits_refunded",
  "credits_disputed",
] as const;
export type TeamEventAction = (typeof TEAM_EVENT_ACTIONS)[number];

export interface TeamEventView {
  id: string;
  action: TeamEventAction;
  actorName: string | null;
  subjectName: string | null;
  detail: Record<string, unknown> | null;
  createdAt: Date;
}

export interface TeamView extends TeamSummary {
  createdAt: Date;
}
