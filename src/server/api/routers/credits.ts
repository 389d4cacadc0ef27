import { z } from "zod";

import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { recordId } from "~/server/api/validation";
import { requestLocale } from "~/server/auth/request-locale";
import {
  getBalance,
  getLowBalanceStatus,
  history,
  LOW_BALANCE_MODES,
  MAX_LOW_BALANCE_THRESHOLD,
  setLowBalanceSetting,
  spentPerDay,
  type Balance,
  type LedgerEntry,
  type LowBalanceStatus,
  usageReport,
  type UsageReport,
} from "~/server/credits";
import { teamHistory, teamUsageReport, type LedgerMember, type MemberSpend } from "~/server/credits/team-reports";
import { RANGE_PROBLEM_MESSAGES, rangeProblem } from "~/lib/usage-range";

const utcDay = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are written YYYY-MM-DD.");

/** Whole UTC days, both included: real dates, from ≤ to, at most MAX_RANGE_DAYS. */
const dayRange = z.object({ from: utcDay, to: utcDay, teamId: recordId.optional() }).superRefine((range, ctx) => {
  const problem = rangeProblem(range);
  if (problem) ctx.addIssue({ code: "custom", message: RANGE_PROBLEM_MESSAGES[problem], path: ["from"] });
});

/**
 * A history row with what it paid for: a chat row's conversation (null once deleted, and in a team's ledger
 * unless it is the caller's own), a purchase's pack; in a team's ledger also the member who caused it.
 */
export type LedgerEntryOut = LedgerEntry & { member?: LedgerMember };

/** A team's usage report (teamId given) also breaks the spend down by member. */
export type UsageReportOut = UsageReport & { byMember?: MemberSpend[] };

export const creditsRouter = createTRPCRouter({
  /** `spendable` = balance − credits held by in-flight chats. */
  balance: protectedProcedure.query(({ ctx }): Promise<Balance> => getBalance(ctx.db, ctx.userId)),
  history: protectedProcedure
    .input(
      z
        .object({
          cursor: z.string().max(64).optional(),
          limit: z.number().int().min(1).max(100).default(20),
          /** A team pool's ledger (owners and admins only); absent: the caller's own. */
          teamId: recordId.optional(),
        })
        .default({ limit: 20 }),
    )
    .query(({ ctx, input }): Promise<{ items: LedgerEntryOut[]; nextCursor: string | null }> =>
      input.teamId ? teamHistory(ctx.db, ctx.userId, input.teamId, input) : history(ctx.db, ctx.userId, input),
    ),
  /** Credits spent per UTC day over the last `days` days, oldest first, zero-filled. */
  spentPerDay: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).max(90).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }): Promise<{ day: string; spent: number }[]> => spentPerDay(ctx.db, ctx.userId, input.days)),
  /** The low-balance alert: threshold in force (null = off), the default, and whether the banner shows. */
  lowBalance: protectedProcedure.query(({ ctx }): Promise<LowBalanceStatus> => getLowBalanceStatus(ctx.db, ctx.userId)),
  /** Alerts off, on with the default threshold, or on with the user's own. The mail is written in this request's locale. */
  setLowBalanceAlert: protectedProcedure
    .input(
      z
        .object({
          mode: z.enum(LOW_BALANCE_MODES),
          threshold: z
            .number()
            .int("The threshold is a whole number of credits.")
            .min(1, "The threshold is at least 1 credit; turn the alert off instead of 0.")
            .max(MAX_LOW_BALANCE_THRESHOLD, `The threshold is at most ${MAX_LOW_BALANCE_THRESHOLD} credits.`)
            .optional(),
        })
        .refine((s) => (s.mode === "custom") === (s.threshold !== undefined) || s.mode === "off", {
          message: "A custom threshold needs a number of credits; the default takes none.",
          path: ["threshold"],
        }),
    )
    .use(LIMITS.lowBalanceSetting)
    .mutation(({ ctx, input }): Promise<LowBalanceStatus> =>
      setLowBalanceSetting(ctx.db, ctx.userId, { ...input, locale: requestLocale(ctx.headers) }),
    ),
  /** Chat spend over a range of UTC days: total, by day, by model and by conversation (a team's: by member instead). */
  usage: protectedProcedure
    .input(dayRange)
    .query(({ ctx, input }): Promise<UsageReportOut> =>
      input.teamId ? teamUsageReport(ctx.db, ctx.userId, input.teamId, input) : usageReport(ctx.db, ctx.userId, input),
    ),
});
