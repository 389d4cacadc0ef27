import { z } from "zod";

import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { getBalance, history, spentPerDay } from "~/server/credits";

export type LedgerReasonOut = "signup_bonus" | "purchase" | "chat_usage" | "refund" | "dispute" | "adjustment" | "dispute_won";

export interface LedgerEntryOut {
  id: string;
  amount: number;
  balanceAfter: number;
  reason: LedgerReasonOut;
  refType: string;
  refId: string;
  note: string | null;
  createdAt: Date;
}

export const creditsRouter = createTRPCRouter({
  /** `spendable` = balance − credits held by in-flight chats. */
  balance: protectedProcedure.query(
    ({ ctx }): Promise<{ balance: number; held: number; spendable: number }> => getBalance(ctx.db, ctx.userId),
  ),
  history: protectedProcedure
    .input(z.object({ cursor: z.string().max(64).optional(), limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .query(({ ctx, input }): Promise<{ items: LedgerEntryOut[]; nextCursor: string | null }> =>
      history(ctx.db, ctx.userId, input),
    ),
  /** Credits spent per UTC day over the last `days` days, oldest first, zero-filled. */
  spentPerDay: protectedProcedure
    .input(z.object({ days: z.number().int().min(1).max(90).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }): Promise<{ day: string; spent: number }[]> => spentPerDay(ctx.db, ctx.userId, input.days)),
});
