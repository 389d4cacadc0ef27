import { z } from "zod";

import { notImplemented } from "~/server/api/not-implemented";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc";

export const packIdSchema = z.enum(["starter", "pro", "enterprise"]);
export type PackId = z.infer<typeof packIdSchema>;

export type PurchaseStatus = "pending" | "paid" | "failed" | "expired" | "refunded" | "partially_refunded" | "disputed";

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
  products: publicProcedure.query(
    async (): Promise<{ products: ProductOut[]; mode: "emulator" | "test" | "live" }> => notImplemented(),
  ),
  checkout: protectedProcedure
    .input(z.object({ packId: packIdSchema }))
    .mutation(async (): Promise<{ checkoutUrl: string }> => notImplemented()),
  /** Called on return from Checkout: fulfils the session if paid (idempotent), returns its state. */
  confirm: protectedProcedure
    .input(z.object({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/) }))
    .mutation(async (): Promise<{ status: PurchaseStatus; credited: boolean; credits: number }> => notImplemented()),
  purchases: protectedProcedure
    .input(z.object({ cursor: z.string().max(255).optional(), limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .query(async (): Promise<{ items: PurchaseOut[]; nextCursor: string | null }> => notImplemented()),
});
