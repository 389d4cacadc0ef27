/**
 * Teams as both the server and the browser name them: roles, limit periods and bounds. The rules
 * that use them live in src/server/teams/ (who may do what) and src/server/credits/ (limits under the pool's lock).
 */
export const TEAM_ROLES = ["owner", "admin", "member"] as const;
export type TeamRoleName = (typeof TEAM_ROLES)[number];

/** Roles an admin can give; "owner" moves only by teams.transferOwnership. */
export const ASSIGNABLE_ROLES = ["admin", "member"] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

const RANK: Record<TeamRoleName, number> = { member: 0, admin: 1, owner: 2 };

/** True when `role` may do what `required` may (owner ⊇ admin ⊇ member). */
export function roleAtLeast(role: TeamRoleName, required: TeamRoleName): boolean {
  return RANK[role] >= RANK[required];
}

/** A member limit's periods, all UTC: the day, the ISO week (from Monday 00:00) and the calendar month. */
export const LIMIT_PERIODS = ["day", "week", "month"] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

/** A member's limits in credits per period; null = no limit for that period. */
export type MemberLimits = Record<LimitPeriod, number | null>;

export const NO_LIMITS: MemberLimits = { day: null, week: null, month: null };

/** The largest limit an admin can set (credits). */
export const MAX_MEMBER_LIMIT = 1_000_000_000;
export const MAX_TEAM_NAME_CHARS = 80;
/** How long an invitation link works. */
export const INVITE_TTL_DAYS = 7;
