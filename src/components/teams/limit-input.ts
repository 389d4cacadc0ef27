import { LIMIT_PERIODS, MAX_MEMBER_LIMIT, type MemberLimits } from "~/lib/teams";

export type LimitDraft = Record<keyof MemberLimits, string>;

export function draftOf(limits: MemberLimits | null): LimitDraft {
  return {
    day: limits?.day?.toString() ?? "",
    week: limits?.week?.toString() ?? "",
    month: limits?.month?.toString() ?? "",
  };
}

/**
 * A limit as typed: blank = no limit; otherwise a whole number of credits, 1 to MAX_MEMBER_LIMIT
 * (spaces and the locale's thousands separators "," "." "'" are ignored, never read as decimals
 * when followed by exactly three digits). Returns "invalid" for anything else.
 */
export function parseLimit(text: string): number | null | "invalid" {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const compact = trimmed.replace(/[\s\u00a0\u202f]/g, "");
  if (!/^\d{1,3}([,.']\d{3})*$|^\d+$/.test(compact)) return "invalid";
  const value = Number(compact.replace(/[,.']/g, ""));
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_MEMBER_LIMIT) return "invalid";
  return value;
}

/** The limits to send, or the periods whose field is invalid. */
export function parseLimits(draft: LimitDraft): { limits: MemberLimits } | { invalid: (keyof MemberLimits)[] } {
  const limits: MemberLimits = { day: null, week: null, month: null };
  const invalid: (keyof MemberLimits)[] = [];
  for (const period of LIMIT_PERIODS) {
    const value = parseLimit(draft[period]);
    if (value === "invalid") invalid.push(period);
    else limits[period] = value;
  }
  return invalid.length ? { invalid } : { limits };
}
