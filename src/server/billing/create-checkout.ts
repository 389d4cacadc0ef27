import { randomUUID } from "node:crypto";

import type Stripe from "stripe";

import { env } from "~/env";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { requireTeamRole } from "~/server/teams/access";

import { ensureStripeCustomer } from "./customers";
import { TeamCardNotSavableError, UnknownPackError } from "./errors";
import { findPack, packsFrom, type Pack } from "./packs";

export interface CheckoutDeps {
  db: Db;
  stripe: Stripe;
  /** Public base URL from config; never taken from request headers. */
  appUrl: string;
  packs?: Pack[];
  /** Checkout creates a paid invoice (a PDF the purchase links to) for each purchase; STRIPE_INVOICE_CREATION. */
  invoiceCreation?: boolean;
}

/**
 * Starts a Stripe Checkout Session for one pack and records it as a pending purchase. `saveCard`: the buyer opted in to
 * keep the paying card for later (`setup_future_usage: off_session`); Stripe attaches it to the user's customer.
 * `teamId`: the pack is for that team's pool, bought by `userId`, who must be its owner or an admin. The pending row
 * records the team, and fulfilment trusts that row (the session's metadata must agree with it).
 */
export async function createCheckout(
  deps: CheckoutDeps,
  userId: string,
  packId: string,
  options: { saveCard?: boolean; teamId?: string } = {},
): Promise<{ checkoutUrl: string; sessionId: string }> {
  const pack = findPack(packId, deps.packs ?? packsFrom());
  if (!pack) throw new UnknownPackError(packId);
  const teamId = options.teamId ?? null;
  if (teamId) {
    await requireTeamRole(deps.db, teamId, userId, "admin");
    // A saved card belongs to the buyer's own customer and pays their own auto top-ups, never the team's.
    if (options.saveCard) throw new TeamCardNotSavableError();
  }
  const customer = await ensureStripeCustomer(deps.db, deps.stripe, userId);
  const base = deps.appUrl.replace(/\/+$/, "");
  // Stripe fills {CHECKOUT_SESSION_ID} in success_url only: the cancel link names the purchase by this instead.
  const checkoutRef = randomUUID();
  const page = teamId ? `${base}/teams/${teamId}` : `${base}/billing`;

  const session = await deps.stripe.checkout.sessions.create(
    {
      mode: "payment",
      customer,
      line_items: [{ price: pack.priceId, quantity: 1 }],
      client_reference_id: userId,
      metadata: { userId, packId: pack.id, credits: String(pack.credits), ...(teamId ? { teamId } : {}) },
      success_url: `${page}?success=1&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${page}?canceled=1&checkout=${checkoutRef}`,
      ...((deps.invoiceCreation ?? env.STRIPE_INVOICE_CREATION === "1") ? { invoice_creation: { enabled: true } } : {}),
      ...(options.saveCard ? { payment_intent_data: { setup_future_usage: "off_session" as const } } : {}),
    },
    // One key per click: the SDK's own retries of this request reuse it and cannot open a second session.
    { idempotencyKey: `checkout:${userId}:${checkoutRef}` },
  );
  if (!session.url) throw new Error(`Checkout session ${session.id} has no url.`);

  await deps.db.purchase.createMany({
    data: [
      {
        id: session.id,
        userId,
        teamId,
        packId: pack.id,
        credits: pack.credits,
        amountTotal: session.amount_total ?? pack.unitAmount,
        currency: session.currency ?? pack.currency,
        checkoutRef,
      },
    ],
    skipDuplicates: true,
  });
  logEvent("checkout_created", {
    userId,
    teamId,
    sessionId: session.id,
    packId: pack.id,
    saveCard: options.saveCard === true,
  });
  return { checkoutUrl: session.url, sessionId: session.id };
}
