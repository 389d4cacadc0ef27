/**
 * The auto top-up invariants of a load run, checked with plain SQL against what the Stripe emulator says it charged:
 * one grant per succeeded PaymentIntent and none for anything else, no PaymentIntent without its top-up purchase (no
 * orphan charge), the monthly cap, never two top-ups in flight for one user, and a declined card turning auto top-up
 * off after a single attempt. Each returns human-readable violations; an empty list means the invariant holds.
 */
import type pg from "pg";

import { AUTO_TOP_UP_REF_TYPE } from "~/server/credits/ref-types";

import type { AutoTopUpUser } from "./auto-top-up-traffic";

export { AUTO_TOP_UP_REF_TYPE };

type Sql = Pick<pg.Pool, "query">;

/** A PaymentIntent as the emulator lists it (stripe.paymentIntents.list({ customer })). */
export interface EmulatorIntent {
  id: string;
  customer: string | null;
  status: string;
  amount: number;
}

export interface AutoTopUpExpectations {
  users: AutoTopUpUser[];
  /** Every PaymentIntent the emulator holds for these users' customers. */
  intents: EmulatorIntent[];
  /** The PaymentIntents Checkout made (purchases through Checkout, not top-ups). */
  checkoutIntentIds: Set<string>;
}

/** Users with more than one top-up pending or awaiting authentication right now (sampled during the run). */
export async function topUpsInFlightTwice(sql: Sql): Promise<string[]> {
  const r = await sql.query<{ userId: string; ids: string[] }>(
    `SELECT "userId", ARRAY_AGG(id ORDER BY id) AS ids FROM "Purchase"
      WHERE kind = 'auto_top_up' AND status IN ('pending', 'requires_action')
      GROUP BY "userId" HAVING COUNT(*) > 1`,
  );
  return r.rows.map((row) => `user ${row.userId}: ${row.ids.length} top-ups in flight at once (${row.ids.join(", ")})`);
}

/** Top-ups still being charged: 0 once every top-up has been paid or has failed. */
export async function pendingTopUps(sql: Sql): Promise<number> {
  const r = await sql.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "Purchase" WHERE kind = 'auto_top_up' AND status = 'pending'`,
  );
  return Number(r.rows[0]!.n);
}

export async function autoTopUpViolations(sql: Sql, expected: AutoTopUpExpectations): Promise<string[]> {
  const violations: string[] = [];
  const userIds = expected.users.map((u) => u.userId);
  const purchases = await sql.query<{
    id: string;
    userId: string;
    status: string;
    credits: number;
    amountTotal: number;
    paymentIntentId: string | null;
    thisMonth: boolean;
  }>(
    `SELECT id, "userId", status, credits, "amountTotal", "paymentIntentId",
            "createdAt" >= date_trunc('month', now() AT TIME ZONE 'UTC') AS "thisMonth"
       FROM "Purchase" WHERE kind = 'auto_top_up' AND "userId" = ANY($1)`,
    [userIds],
  );
  const grants = await sql.query<{ refId: string; userId: string; rows: string; amount: string }>(
    `SELECT "refId", MIN("userId") AS "userId", COUNT(*) AS rows, SUM(amount) AS amount
       FROM "CreditLedger" WHERE "refType" = $1 AND amount > 0 GROUP BY "refId"`,
    [AUTO_TOP_UP_REF_TYPE],
  );
  const settings = await sql.query<{
    userId: string;
    enabled: boolean;
    monthlyLimit: number;
    inFlightPurchaseId: string | null;
    disabledReason: string | null;
  }>(
    `SELECT "userId", enabled, "monthlyLimit", "inFlightPurchaseId", "disabledReason" FROM "AutoTopUp" WHERE "userId" = ANY($1)`,
    [userIds],
  );
  const grantOf = new Map(grants.rows.map((g) => [g.refId, g]));
  const purchaseOfIntent = new Map(purchases.rows.flatMap((p) => (p.paymentIntentId ? [[p.paymentIntentId, p]] : [])));
  const settingOf = new Map(settings.rows.map((s) => [s.userId, s]));

  for (const user of expected.users) {
    const mine = purchases.rows.filter((p) => p.userId === user.userId);
    const intents = expected.intents.filter(
      (i) => i.customer === user.customer && !expected.checkoutIntentIds.has(i.id),
    );
    const setting = settingOf.get(user.userId);
    if (!setting) {
      violations.push(`auto top-up user ${user.userId}: no AutoTopUp row`);
      continue;
    }

    // Every charge at Stripe is one of the user's top-ups, and every top-up charged has its PaymentIntent there.
    for (const intent of intents) {
      const purchase = purchaseOfIntent.get(intent.id);
      if (!purchase || purchase.userId !== user.userId)
        violations.push(`user ${user.userId}: PaymentIntent ${intent.id} (${intent.status}) has no top-up purchase`);
      else if (purchase.amountTotal !== intent.amount)
        violations.push(`top-up ${purchase.id}: charged ${intent.amount}, purchase says ${purchase.amountTotal}`);
    }
    const intentIds = new Set(intents.map((i) => i.id));
    for (const p of mine) {
      if (p.paymentIntentId && !intentIds.has(p.paymentIntentId))
        violations.push(`top-up ${p.id}: PaymentIntent ${p.paymentIntentId} is not the user's at Stripe`);
      if (p.status === "paid" && !p.paymentIntentId) violations.push(`top-up ${p.id}: paid without a PaymentIntent`);
    }

    // Exactly one grant per succeeded PaymentIntent, of the purchase's credits; none for any other.
    for (const intent of intents) {
      const grant = grantOf.get(intent.id);
      const purchase = purchaseOfIntent.get(intent.id);
      if (intent.status === "succeeded") {
        if (!grant) violations.push(`user ${user.userId}: succeeded PaymentIntent ${intent.id} was never credited`);
        else if (Number(grant.rows) !== 1 || (purchase && Number(grant.amount) !== purchase.credits))
          violations.push(
            `PaymentIntent ${intent.id}: ${grant.rows} grants totalling ${grant.amount} (expected 1 of ${purchase?.credits})`,
          );
        if (purchase && purchase.status !== "paid")
          violations.push(`top-up ${purchase.id}: PaymentIntent succeeded but the purchase is ${purchase.status}`);
      } else if (grant) {
        violations.push(`PaymentIntent ${intent.id} (${intent.status}) was credited`);
      }
    }
    for (const [refId, grant] of grantOf) {
      if (grant.userId === user.userId && !intentIds.has(refId))
        violations.push(`user ${user.userId}: top-up grant for ${refId}, which Stripe never charged for this user`);
    }

    // What counts against the cap: top-ups that took or may still take money.
    const counted = mine.filter((p) => p.thisMonth && !["failed", "canceled", "expired"].includes(p.status)).length;
    if (counted > setting.monthlyLimit)
      violations.push(`user ${user.userId}: ${counted} top-ups this month, over the cap of ${setting.monthlyLimit}`);
    const inFlight = mine.filter((p) => p.status === "pending" || p.status === "requires_action");
    if (inFlight.length > 1) violations.push(`user ${user.userId}: ${inFlight.length} top-ups in flight at the end`);
    if (setting.inFlightPurchaseId && !inFlight.some((p) => p.id === setting.inFlightPurchaseId))
      violations.push(
        `user ${user.userId}: in-flight pointer ${setting.inFlightPurchaseId} is not a pending top-up of the user`,
      );

    if (user.card === "declines") {
      if (setting.enabled || setting.disabledReason !== "card_declined")
        violations.push(
          `user ${user.userId} (declined card): auto top-up ${setting.enabled ? "still on" : `off for ${setting.disabledReason}`}, expected off for card_declined`,
        );
      if (mine.length !== 1 || mine[0]?.status !== "failed" || intents.length !== 1)
        violations.push(
          `user ${user.userId} (declined card): ${mine.length} top-ups (${mine.map((p) => p.status).join(", ")}) and ${intents.length} PaymentIntents, expected exactly one failed attempt (no retry loop)`,
        );
    } else if (mine.some((p) => p.status === "failed"))
      violations.push(`user ${user.userId}: a top-up on the 4242 card failed`);
  }
  return violations;
}
