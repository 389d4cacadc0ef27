/**
 * The user's auto top-up setting. `setAutoTopUp` is the only code that ever turns auto top-up on
 * (tests/billing/auto-top-up/only-set-enables.test.ts fails on any other writer of `enabled: true`):
 * nothing Tally does — a retry, a webhook, a job — can switch it back on after it was turned off.
 * Writes take the account lock, so they never interleave with a trigger.
 */
import type Stripe from "stripe";

import { lockAccount } from "~/server/credits/account";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { DomainError } from "~/server/errors";
import { logEvent } from "~/server/log";

import { UnknownPackError } from "../errors";
import { findPack } from "../packs";
import { listSavedCards } from "../saved-card";
import { autoTopUpSettingsInput, type AutoTopUpSettings } from "./contract";
import { turnOffFor } from "./failure";

export class AutoTopUpCardNotSavedError extends DomainError {
  constructor() {
    super("auto_top_up_card_not_saved", "That card is not one of your saved cards.", "BAD_REQUEST");
  }
}

export class InvalidAutoTopUpSettingsError extends DomainError {
  constructor() {
    super("invalid_auto_top_up_settings", "The auto top-up setting is not valid.", "BAD_REQUEST");
  }
}

/** Turns auto top-up on with `settings` after checking the pack (server config) and the card (at Stripe). */
export async function setAutoTopUp(
  deps: { db: Db; stripe: Stripe },
  userId: string,
  settings: AutoTopUpSettings,
): Promise<void> {
  const parsed = autoTopUpSettingsInput.safeParse(settings);
  if (!parsed.success) throw new InvalidAutoTopUpSettingsError();
  const { threshold, packId, monthlyLimit, paymentMethodId } = parsed.data;
  if (!findPack(packId)) throw new UnknownPackError(packId);
  const cards = await listSavedCards(deps, userId);
  if (!cards.some((card) => card.id === paymentMethodId)) throw new AutoTopUpCardNotSavedError();
  const values = {
    threshold,
    packId,
    monthlyLimit,
    paymentMethodId,
    enabled: true,
    disabledReason: null,
    disabledMessage: null,
    disabledAt: null,
  };
  await inTransaction(deps.db, async (tx) => {
    await lockAccount(tx, userId);
    await tx.autoTopUp.upsert({ where: { userId }, create: { userId, ...values }, update: values });
  });
  logEvent("auto_top_up_set", { userId, packId, threshold, monthlyLimit });
}

/** The user turns it off; the setting is kept (and a top-up already in flight finishes). */
export async function turnOffAutoTopUp(db: Db, userId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    await lockAccount(tx, userId);
    await tx.autoTopUp.updateMany({ where: { userId }, data: { enabled: false } });
  });
  logEvent("auto_top_up_turned_off", { userId });
}

/** The user removed the card auto top-up charges: it is turned off (card_removed) so nothing charges a card that is gone. */
export async function turnOffForRemovedCard(db: Db, userId: string, paymentMethodId: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    await lockAccount(tx, userId);
    const setting = await tx.autoTopUp.findUnique({ where: { userId } });
    if (!setting?.enabled || setting.paymentMethodId !== paymentMethodId) return false;
    await turnOffFor(tx, userId, null, "card_removed", "The card auto top-up charged was removed.");
    return true;
  });
}
