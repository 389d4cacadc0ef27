/**
 * Auto top-up's mail: "it failed and is now off (reason)" and "your bank asks you to confirm a
 * top-up". Queued in the transaction that moved the top-up (so once per move), in the user's
 * locale, and like all account mail only to a confirmed address of a live account.
 */
import { env } from "~/env";
import { DEFAULT_LOCALE, isLocale } from "~/i18n/locales";
import type { Tx } from "~/server/database/transaction";
import { enqueueMail } from "~/server/mail";

import type { AutoTopUpOffReason } from "./contract";

/** Where the mail and the in-app notice send the user: the billing page, on this top-up. */
export function topUpLink(purchaseId: string): string {
  const url = new URL("/billing", env.APP_URL);
  url.searchParams.set("topup", purchaseId);
  return url.toString();
}

export type TopUpMail =
  | { kind: "failed"; purchaseId: string; reason: AutoTopUpOffReason; credits: number }
  | { kind: "requires_action"; purchaseId: string; credits: number };

export async function queueTopUpMail(tx: Tx, userId: string, mail: TopUpMail): Promise<void> {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { email: true, emailVerified: true, deletedAt: true, locale: true },
  });
  if (!user?.email || !user.emailVerified || user.deletedAt) return;
  await enqueueMail(tx, {
    to: user.email,
    template: mail.kind === "failed" ? "auto_top_up_failed" : "auto_top_up_action",
    locale: user.locale && isLocale(user.locale) ? user.locale : DEFAULT_LOCALE,
    params: {
      link: topUpLink(mail.purchaseId),
      credits: mail.credits,
      ...(mail.kind === "failed" ? { reason: mail.reason } : {}),
    },
  });
}
