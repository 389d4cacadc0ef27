import { z } from "zod";

import { env } from "~/env";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc";
import { billingProducts, cancelCheckout, confirmCheckout, createCheckout, getStripe, listPurchases } from "~/server/billing";
import { limit, RULES } from "~/server/rate-limit";

export const packIdSchema = z.enum(["starter", "pro", "enterprise"]);
export type PackId = z.infer<typeof packIdSchema>;

export type PurchaseStatus =
  | "pending"
  | "paid"
  | "failed"
  | "expired"
  | "canceled"
  | "refunded"
  | "partially_refunded"
  | "disputed"
  | "dispute_won"
  | "dispute_lost";

export interface ProductOut {
  id: PackId;
  credits: number;
  /** Price in the smallest currency unit (cents). */
  unitAmount: number;
  currency: string;
}

export interface PurchaseOut {
  id: string;
  packId: string;
  credits: number;
  amountTotal: number;
  amountRefunded: number;
  currency: string;
  status: PurchaseStatus;
  createdAt: Date;
  creditedAt: Date | null;
}

export const billingRouter = createTRPCRouter({
  products: publicProcedure.query(async (): Promise<{ products: ProductOut[]; mode: "emulator" | "test" | "live" | "unavailable" }> => billingProducts()),
  checkout: protectedProcedure
    .input(z.object({ packId: packIdSchema }))
    .mutation(async ({ ctx, input }): Promise<{ checkoutUrl: string }> => {
      await limit(RULES.checkoutPerUser, ctx.userId);
      const { checkoutUrl } = await createCheckout({ db: ctx.db, stripe: getStripe(), appUrl: env.APP_URL }, ctx.userId, input.packId);
      return { checkoutUrl };
    }),
  /** Called on return from Checkout: fulfils the session if paid (idempotent), returns its state. */
  confirm: protectedProcedure
    .input(z.object({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/) }))
    .mutation(
      async ({ ctx, input }): Promise<{ status: PurchaseStatus; credited: boolean; credits: number }> =>
        confirmCheckout({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.sessionId),
    ),
  /** Called on return through Checkout's cancel link: the session is expired at Stripe, the purchase shows canceled. */
  cancel: protectedProcedure
    .input(z.object({ checkoutRef: z.string().uuid() }))
    .mutation(async ({ ctx, input }): Promise<{ status: PurchaseStatus }> => cancelCheckout({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.checkoutRef)),
  purchases: protectedProcedure
    .input(z.object({ cursor: z.string().max(255).optional(), limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .query(async ({ ctx, input }): Promise<{ items: PurchaseOut[]; nextCursor: string | null }> => listPurchases(ctx.db, ctx.userId, input)),
});
