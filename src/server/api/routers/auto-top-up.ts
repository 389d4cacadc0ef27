import { TRPCError } from "@trpc/server";

import type { PurchaseStatus } from "~/generated/prisma/client";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import {
  autoTopUpPurchaseInput,
  autoTopUpSettingsInput,
  type AutoTopUpView,
} from "~/server/billing/auto-top-up/contract";

// SKELETON: the procedures' shapes are fixed; the implementations land with the auto top-up branch.
const notYet = (): never => {
  throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "Auto top-up is not built yet." });
};

export const autoTopUpRouter = createTRPCRouter({
  /** The user's auto top-up: setting, card, this month's count, the top-up in flight and why Tally turned it off. */
  get: protectedProcedure.query(async (): Promise<AutoTopUpView> => notYet()),
  /** Turns auto top-up on with this setting (the only way it is ever turned on). */
  set: protectedProcedure.input(autoTopUpSettingsInput).mutation(async (): Promise<AutoTopUpView> => notYet()),
  /** Turns it off; the setting is kept. */
  turnOff: protectedProcedure.mutation(async (): Promise<AutoTopUpView> => notYet()),
  /** For a top-up that requires authentication: the Stripe-hosted page to send the browser to. */
  authenticate: protectedProcedure
    .input(autoTopUpPurchaseInput)
    .mutation(async (): Promise<{ url: string }> => notYet()),
  /** On return from that page: reads the PaymentIntent from Stripe and credits it if it succeeded (idempotent). */
  confirm: protectedProcedure
    .input(autoTopUpPurchaseInput)
    .mutation(async (): Promise<{ status: PurchaseStatus; credited: boolean }> => notYet()),
});
