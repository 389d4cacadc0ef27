import { z } from "zod";

import { env } from "~/env";
import { PACK_IDS } from "~/lib/packs";
import { LIMITS } from "~/server/api/rate-limits";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "~/server/api/trpc";
import { recordId } from "~/server/api/validation";
import {
  billingProducts,
  cancelCheckout,
  confirmCheckout,
  createCheckout,
  getStripe,
  listPurchases,
  listTeamPurchases,
  removeSavedCard,
  savedCardsView,
  type SavedCard,
  type ConfirmResult,
  type Product,
  type ProductsMode,
  type PurchasePage,
} from "~/server/billing";
import type { PurchaseStatus } from "~/generated/prisma/client";

export const billingRouter = createTRPCRouter({
  products: publicProcedure.query(async (): Promise<{ products: Product[]; mode: ProductsMode }> => billingProducts()),
  checkout: protectedProcedure
    .input(
      z.object({
        packId: z.enum(PACK_IDS),
        saveCard: z.boolean().optional(),
        /** Buy for this team's pool (owners and admins only); absent: for the caller's own balance. */
        teamId: recordId.optional(),
      }),
    )
    .use(LIMITS.checkout)
    .mutation(async ({ ctx, input }): Promise<{ checkoutUrl: string }> => {
      const { checkoutUrl } = await createCheckout(
        { db: ctx.db, stripe: getStripe(), appUrl: env.APP_URL },
        ctx.userId,
        input.packId,
        { saveCard: input.saveCard, teamId: input.teamId },
      );
      return { checkoutUrl };
    }),
  /** Called on return from Checkout: fulfils the session if paid (idempotent), returns its state. */
  confirm: protectedProcedure
    .input(z.object({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/) }))
    .mutation(async ({ ctx, input }): Promise<ConfirmResult> =>
      confirmCheckout({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.sessionId),
    ),
  /** Called on return through Checkout's cancel link: the session is expired at Stripe, the purchase shows canceled. */
  cancel: protectedProcedure
    .input(z.object({ checkoutRef: z.string().uuid() }))
    .mutation(async ({ ctx, input }): Promise<{ status: PurchaseStatus }> =>
      cancelCheckout({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.checkoutRef),
    ),
  purchases: protectedProcedure
    .input(
      z
        .object({
          cursor: z.string().max(255).optional(),
          limit: z.number().int().min(1).max(100).default(20),
          /** A team's purchases (owners and admins only); absent: the caller's own. */
          teamId: recordId.optional(),
        })
        .default({ limit: 20 }),
    )
    .query(async ({ ctx, input }): Promise<PurchasePage> =>
      input.teamId
        ? listTeamPurchases(ctx.db, ctx.userId, input.teamId, input)
        : listPurchases(ctx.db, ctx.userId, input),
    ),
  /** The cards the user saved at Checkout, read from Stripe (brand, last 4, expiry); none stored by Tally. */
  savedCards: protectedProcedure.query(async ({ ctx }): Promise<{ available: boolean; cards: SavedCard[] }> =>
    savedCardsView({ db: ctx.db, stripe: () => getStripe() }, ctx.userId),
  ),
  /** Detaches one of the user's saved cards at Stripe; another user's or an unknown card is NOT_FOUND. */
  removeSavedCard: protectedProcedure
    .input(z.object({ paymentMethodId: z.string().regex(/^pm_[A-Za-z0-9_]{1,250}$/) }))
    .use(LIMITS.savedCard)
    .mutation(async ({ ctx, input }): Promise<{ removed: true }> => {
      await removeSavedCard({ db: ctx.db, stripe: getStripe() }, ctx.userId, input.paymentMethodId);
      return { removed: true };
    }),
});
