import type Stripe from "stripe";

import { AccountNotFoundError } from "~/server/credits";
import type { Db } from "~/server/db";

/**
 * The user's Stripe customer, created once and reused. Parallel first checkouts send the same
 * idempotency key, so Stripe hands all of them the same customer, and the conditional update
 * stores it only if no other customer was stored first.
 */
export async function ensureStripeCustomer(db: Db, stripe: Stripe, userId: string): Promise<string> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, stripeCustomerId: true } });
  if (!user) throw new AccountNotFoundError(userId);
  if (user.stripeCustomerId) return user.stripeCustomerId;

  const customer = await stripe.customers.create(
    { ...(user.email ? { email: user.email } : {}), metadata: { userId } },
    { idempotencyKey: `customer:${userId}` },
  );
  await db.user.updateMany({ where: { id: userId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  const stored = await db.user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  return stored?.stripeCustomerId ?? customer.id;
}
