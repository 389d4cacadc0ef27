/**
 * The date range of the usage page, shared by its URL (browser) and credits.usage (server): whole UTC
 * days, both ends included, written YYYY-MM-DD.
 */
export const MAX_RANGE_DAYS = 366;
export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_PRESET: RangePreset = 30;

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DayRange {
  from: string;
  to: string;
}

/** Why a range is refused; the UI translates the code, the API reports the message. */
export type RangeProblem = "invalid_date" | "from_after_to" | "too_long";

export const RANGE_PROBLEM_MESSAGES: Record<RangeProblem, string> = {
  invalid_date: "Dates must be real calendar days written YYYY-MM-DD.",
  from_after_to: "The start date must not be after the end date.",
  too_long: `A range may span at most ${MAX_RANGE_DAYS} days.`,
};

/** Midnight UTC of a YYYY-MM-DD day, or null when it is not a real calendar day. */
export function parseUtcDay(day: string): Date | null {
  const match = ISO_DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(Date.UTC(year, month - 1, date));
  if (year < 1970 || at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== date) {
    return null;
  }
  return at;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Days in the range, both ends counted. */
export function rangeDays(range: DayRange): number {
  return Math.round((parseUtcDay(range.to)!.getTime() - parseUtcDay(range.from)!.getTime()) / DAY_MS) + 1;
}

export function rangeProblem(range: DayRange): RangeProblem | null {
  const from = parseUtcDay(range.from);
  const to = parseUtcDay(range.to);
  if (!from || !to) return "invalid_date";
  if (from > to) return "from_after_to";
  if ((to.getTime() - from.getTime()) / DAY_MS + 1 > MAX_RANGE_DAYS) return "too_long";
  return null;
}

/** The last `days` UTC days, today included. */
export function presetRange(days: number, now: Date = new Date()): DayRange {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from: utcDay(new Date(to.getTime() - (days - 1) * DAY_MS)), to: utcDay(to) };
}

/** The preset a range equals (ending today), or null for a custom range. */
export function presetOf(range: DayRange, now: Date = new Date()): RangePreset | null {
  return (
    RANGE_PRESETS.find((days) => {
      const preset = presetRange(days, now);
      return preset.from === range.from && preset.to === range.to;
    }) ?? null
  );
}

/** Every day of a valid range, oldest first. */
export function daysOf(range: DayRange): string[] {
  const start = parseUtcDay(range.from)!.getTime();
  return Array.from({ length: rangeDays(range) }, (_, i) => utcDay(new Date(start + i * DAY_MS)));
}

/** What the usage page shows: a preset (`?days=`), a custom range (`?from=&to=`), or why the URL's range is refused. */
export interface ResolvedRange extends DayRange {
  preset: RangePreset | null;
  problem: RangeProblem | null;
}

/** The range a usage URL asks for; no or unknown parameters → the default preset. */
export function resolveRange(
  params: Record<string, string | string[] | undefined>,
  now: Date = new Date(),
): ResolvedRange {
  const one = (v: string | string[] | undefined) => (typeof v === "string" && v.length <= 10 ? v : "");
  if (params.from !== undefined || params.to !== undefined) {
    const range = { from: one(params.from), to: one(params.to) };
    const problem = rangeProblem(range);
    return { ...range, preset: problem ? null : presetOf(range, now), problem };
  }
  const days = RANGE_PRESETS.find((d) => String(d) === params.days) ?? DEFAULT_PRESET;
  return { ...presetRange(days, now), preset: days, problem: null };
}
