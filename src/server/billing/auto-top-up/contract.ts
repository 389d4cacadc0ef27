/**
 * Auto top-up as the API and the UI see it: the setting's input schema and the view the billing
 * page, the chat header and the notices read. The rules live in this folder's other modules.
 */
import { z } from "zod";

import { PACK_IDS, type PackId } from "~/lib/packs";
import type { PurchaseStatus } from "~/generated/prisma/client";

import { MAX_AUTO_TOP_UP_THRESHOLD, MAX_MONTHLY_TOP_UPS } from "~/lib/setting-bounds";

export { MAX_AUTO_TOP_UP_THRESHOLD, MAX_MONTHLY_TOP_UPS };

export const autoTopUpSettingsInput = z.object({
  /** Top up when a write leaves spendable credits below this many. */
  threshold: z.number().int().min(1).max(MAX_AUTO_TOP_UP_THRESHOLD),
  packId: z.enum(PACK_IDS),
  /** At most this many top-ups per calendar month (UTC). */
  monthlyLimit: z.number().int().min(1).max(MAX_MONTHLY_TOP_UPS),
  /** One of the user's saved cards (billing.savedCards). */
  paymentMethodId: z.string().regex(/^pm_[A-Za-z0-9_]{1,250}$/),
});
export type AutoTopUpSettings = z.infer<typeof autoTopUpSettingsInput>;

export const autoTopUpPurchaseInput = z.object({ purchaseId: z.string().regex(/^topup_[A-Za-z0-9_-]{1,250}$/) });

/** Why Tally (not the user) turned auto top-up off. */
export const AUTO_TOP_UP_OFF_REASONS = [
  "card_declined",
  "card_removed",
  "card_expired",
  "authentication_failed",
  "no_customer",
] as const;
export type AutoTopUpOffReason = (typeof AUTO_TOP_UP_OFF_REASONS)[number];

export interface AutoTopUpCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** The top-up being charged now: at most one per user. */
export interface AutoTopUpInFlight {
  purchaseId: string;
  /** "requires_action": the bank asks the payer to authenticate (autoTopUp.authenticate). */
  status: Extract<PurchaseStatus, "pending" | "requires_action">;
  packId: PackId;
  credits: number;
  amountTotal: number;
  currency: string;
}

export interface AutoTopUpView {
  /** false when this server takes no payments (no Stripe key): the panel explains instead of offering. */
  available: boolean;
  /** Only ever set true by the user through autoTopUp.set. */
  enabled: boolean;
  /** The last saved setting (kept while off, so turning it back on is one click); null when never set. */
  settings: AutoTopUpSettings | null;
  /** The card it charges, read from Stripe; null when it is no longer saved. */
  card: AutoTopUpCard | null;
  /** Set when Tally turned it off, with the message to show (e.g. the bank's decline reason). */
  turnedOff: { reason: AutoTopUpOffReason; message: string; at: Date } | null;
  /** Top-ups counted against this calendar month's limit (UTC). */
  usedThisMonth: number;
  inFlight: AutoTopUpInFlight | null;
}
