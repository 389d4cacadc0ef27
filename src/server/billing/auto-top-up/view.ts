/** What the billing page, the chat header and the notices read about the user's auto top-up (contract.ts's view). */
import type Stripe from "stripe";

import { PACK_IDS, type PackId } from "~/lib/packs";
import type { Db } from "~/server/db";

import { BillingNotConfiguredError } from "../errors";
import { listSavedCards } from "../saved-card";
import { AUTO_TOP_UP_OFF_REASONS, type AutoTopUpOffReason, type AutoTopUpView } from "./contract";
import { countTopUpsThisMonth } from "./trigger";

const isPackId = (value: string): value is PackId => (PACK_IDS as readonly string[]).includes(value);
const isOffReason = (value: string | null): value is AutoTopUpOffReason =>
  value !== null && (AUTO_TOP_UP_OFF_REASONS as readonly string[]).includes(value);

export async function getAutoTopUpView(deps: { db: Db; stripe: () => Stripe }, userId: string): Promise<AutoTopUpView> {
  let stripe: Stripe | null = null;
  try {
    stripe = deps.stripe();
  } catch (error) {
    if (!(error instanceof BillingNotConfiguredError)) throw error;
  }
  const [setting, usedThisMonth] = await Promise.all([
    deps.db.autoTopUp.findUnique({ where: { userId } }),
    countTopUpsThisMonth(deps.db, userId),
  ]);
  const inFlight = setting?.inFlightPurchaseId
    ? await deps.db.purchase.findUnique({ where: { id: setting.inFlightPurchaseId } })
    : null;
  const cards = stripe && setting ? await listSavedCards({ db: deps.db, stripe }, userId) : [];
  const card = setting ? (cards.find((c) => c.id === setting.paymentMethodId) ?? null) : null;
  const settings =
    setting && isPackId(setting.packId)
      ? {
          threshold: setting.threshold,
          packId: setting.packId,
          monthlyLimit: setting.monthlyLimit,
          paymentMethodId: setting.paymentMethodId,
        }
      : null;
  return {
    available: stripe !== null,
    enabled: setting?.enabled ?? false,
    settings,
    card,
    turnedOff:
      setting && !setting.enabled && isOffReason(setting.disabledReason) && setting.disabledAt
        ? { reason: setting.disabledReason, message: setting.disabledMessage ?? "", at: setting.disabledAt }
        : null,
    usedThisMonth,
    inFlight:
      inFlight && isPackId(inFlight.packId) && (inFlight.status === "pending" || inFlight.status === "requires_action")
        ? {
            purchaseId: inFlight.id,
            status: inFlight.status,
            packId: inFlight.packId,
            credits: inFlight.credits,
            amountTotal: inFlight.amountTotal,
            currency: inFlight.currency,
          }
        : null,
  };
}
