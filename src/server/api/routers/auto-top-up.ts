import type { PurchaseStatus } from "~/generated/prisma/client";
import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { getStripe } from "~/server/billing";
import {
  autoTopUpPurchaseInput,
  autoTopUpSettingsInput,
  type AutoTopUpView,
} from "~/server/billing/auto-top-up/contract";
import { authenticateTopUp, confirmTopUp } from "~/server/billing/auto-top-up/sca";
import { setAutoTopUp, turnOffAutoTopUp } from "~/server/billing/auto-top-up/settings";
import { getAutoTopUpView } from "~/server/billing/auto-top-up/view";
import type { Db } from "~/server/db";

const view = (db: Db, userId: string) => getAutoTopUpView({ db, stripe: () => getStripe() }, userId);

export const autoTopUpRouter = createTRPCRouter({
  /** The user's auto top-up: setting, card, this month's count, the top-up in flight and why Tally turned it off. */
  get: protectedProcedure.query(async ({ ctx }): Promise<AutoTopUpView> => view(ctx.db, ctx.userId)),
  /** Turns auto top-up on with this setting (the only way it is ever turned on). */
  set: protectedProcedure
    .input(autoTopUpSettingsInput)
    .use(LIMITS.autoTopUp)
    .mutation(async ({ ctx, input }): Promise<AutoTopUpView> => {
      await setAutoTopUp({ db: ctx.db, stripe: getStripe() }, ctx.userId, input);
      return view(ctx.db, ctx.userId);
    }),
  /** Turns it off; the setting is kept. */
  turnOff: protectedProcedure.mutation(async ({ ctx }): Promise<AutoTopUpView> => {
    await turnOffAutoTopUp(ctx.db, ctx.userId);
    return view(ctx.db, ctx.userId);
  }),
  /** For a top-up that requires authentication: the Stripe-hosted page to send the browser to. */
  authenticate: protectedProcedure
    .input(autoTopUpPurchaseInput)
    .use(LIMITS.autoTopUp)
    .mutation(async ({ ctx, input }): Promise<{ url: string }> =>
      authenticateTopUp({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.purchaseId),
    ),
  /** On return from that page: reads the PaymentIntent from Stripe and credits it if it succeeded (idempotent). */
  confirm: protectedProcedure
    .input(autoTopUpPurchaseInput)
    .use(LIMITS.autoTopUp)
    .mutation(async ({ ctx, input }): Promise<{ status: PurchaseStatus; credited: boolean }> =>
      confirmTopUp({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.purchaseId),
    ),
});
