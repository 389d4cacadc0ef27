import type Stripe from "stripe";

import type { PurchaseStatus } from "~/generated/prisma/client";
import type { Db } from "~/server/db";

import { CheckoutSessionForbiddenError, CheckoutSessionNotFoundError, CheckoutSessionRejectedError } from "./errors";
import { fulfilCheckoutSession } from "./fulfil-checkout-session";
import { findPack, packsFrom, type Pack } from "./packs";
import { retrieveCheckoutSession } from "./stripe-records";
import { mayManagePurchase } from "./team-purchases";

export interface ConfirmResult {
  status: PurchaseStatus;
  /** Whether this session's credits are on the account (now or from an earlier delivery). */
  credited: boolean;
  credits: number;
}

/**
 * The success page's "did my payment land?": asks Stripe, never the browser, and fulfils
 * through the same function as the webhook so credits appear even when the webhook is late.
 */
export async function confirmCheckout(
  deps: { db: Db; stripe: Stripe; packs?: Pack[] },
  userId: string,
  sessionId: string,
): Promise<ConfirmResult> {
  const session = await retrieveCheckoutSession(deps.stripe, sessionId);
  if (!session) throw new CheckoutSessionNotFoundError(sessionId);
  const recorded = await deps.db.purchase.findUnique({
    where: { id: session.id },
    select: { userId: true, teamId: true },
  });
  // The buyer confirms their session; a team's owner and admins may also confirm one bought for the team.
  const ownSession = session.client_reference_id === userId && session.metadata?.userId === userId;
  const allowed = recorded?.teamId
    ? await mayManagePurchase(deps.db, userId, recorded)
    : ownSession && (!recorded || recorded.userId === userId);
  if (!allowed) throw new CheckoutSessionForbiddenError();

  const packs = deps.packs ?? packsFrom();
  const result = await fulfilCheckoutSession(deps.db, session, packs);
  if (result.kind === "refused") throw new CheckoutSessionRejectedError(result.reason);

  const purchase = await deps.db.purchase.findUnique({ where: { id: session.id } });
  const credits = purchase?.credits ?? findPack(session.metadata?.packId, packs)?.credits ?? 0;
  const fallback: PurchaseStatus = session.status === "expired" ? "expired" : "pending";
  return { status: purchase?.status ?? fallback, credited: Boolean(purchase?.creditedAt), credits };
}
