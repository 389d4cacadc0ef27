import { z } from "zod";

import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { getBalance, history, spentPerDay, type Balance, type LedgerEntry } from "~/server/credits";

/** A history row with what it paid for: a chat row's conversation (null once deleted), a purchase's pack. */
export type LedgerEntryOut = LedgerEntry;

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
});
