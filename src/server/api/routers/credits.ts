import { z } from "zod";

import type { CreditLedger } from "~/generated/prisma/client";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { RANGE_PROBLEM_MESSAGES, rangeProblem } from "~/lib/usage-range";
import { getBalance, history, spentPerDay, usageReport, type Balance, type UsageReport } from "~/server/credits";

const utcDay = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are written YYYY-MM-DD.");

/** Whole UTC days, both included: real dates, from ≤ to, at most MAX_RANGE_DAYS. */
const dayRange = z.object({ from: utcDay, to: utcDay }).superRefine((range, ctx) => {
  const problem = rangeProblem(range);
  if (problem) ctx.addIssue({ code: "custom", message: RANGE_PROBLEM_MESSAGES[problem], path: ["from"] });
});

export type LedgerEntryOut = Omit<CreditLedger, "userId">;

export const creditsRouter = createTRPCRouter({
  /** `spendable` = balance − credits held by in-flight chats. */
  balance: protectedProcedure.query(({ ctx }): Promise<Balance> => getBalance(ctx.db, ctx.userId)),
  history: protectedProcedure
    .input(
      z
        .object({ cursor: z.string().max(64).optional(), limit: z.number().int().min(1).max(100).default(20) })
        .default({ limit: 20 }),
    )
    .query(({ ctx, input }): Promise<{ items: LedgerEntryOut[]; nextCursor: string | null }> =>
      history(ctx.db, ctx.userId, input),
    ),
  /** Credits spent per UTC day over the last `days` days, oldest first, zero-filled. */
  spentPerDay: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).max(90).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }): Promise<{ day: string; spent: number }[]> => spentPerDay(ctx.db, ctx.userId, input.days)),
  /** Chat spend over a range of UTC days: total, by day, by model and by conversation. */
  usage: protectedProcedure
    .input(dayRange)
    .query(({ ctx, input }): Promise<UsageReport> => usageReport(ctx.db, ctx.userId, input)),
});
