/**
 * The mail outbox. A message is written in the same transaction as the change that causes it
 * (so it is sent if and only if that change commits) and delivered afterwards, outside any
 * request: retried with backoff, given up after MAX_ATTEMPTS. Logs carry the message id and
 * template only — never the address or the body — and the parameters (which may hold a link
 * token) are erased once the message is sent or given up.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { onCommit, type Tx } from "~/server/database/transaction";
import { logEvent } from "~/server/log";

import { MAIL_TEMPLATES, renderMail, type MailParams, type MailTemplate } from "./templates";
import type { MailTransport } from "./transport";

export const MAX_ATTEMPTS = 8;
/** A claimed message is not picked up by another run for this long (a crashed run's claim expires). */
const CLAIM_MS = 120_000;

export interface NewMail {
  to: string;
  template: MailTemplate;
  locale: string;
  params: MailParams;
}

type Wake = () => void;
// On globalThis: Next.js loads instrumentation (which starts the mailer) and the routes (which queue mail) as separate module copies.
const globalForOutbox = globalThis as unknown as { tallyMailWake?: Wake | null };

/** The running app registers how to deliver right after a commit (see mailer.ts); tests deliver explicitly. */
export function onMailQueued(handler: Wake | null): void {
  globalForOutbox.tallyMailWake = handler;
}

export async function enqueueMail(tx: Tx, mail: NewMail): Promise<void> {
  await tx.mailOutbox.create({
    data: { to: mail.to, template: mail.template, locale: mail.locale, params: { ...mail.params } },
  });
  onCommit(tx, () => globalForOutbox.tallyMailWake?.());
}

/** Delay before attempt `n + 1` after `n` failed ones: 15 s, 30 s, 1 min … capped at one hour. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(3_600_000, 15_000 * 2 ** Math.max(0, failedAttempts - 1));
}

interface Claimed {
  id: string;
  to: string;
  template: string;
  locale: string;
  params: unknown;
  attempts: number;
}

/** Sends every due message (up to `batch`); returns how many were sent. Safe to run concurrently and on many instances. */
export async function deliverDue(
  db: Db,
  transport: MailTransport,
  { now = new Date(), batch = 20 } = {},
): Promise<number> {
  const claimUntil = new Date(now.getTime() + CLAIM_MS);
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE "MailOutbox" SET "nextAttemptAt" = ${claimUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM "MailOutbox" WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
    RETURNING id, "to", template, locale, params, attempts`;
  let sent = 0;
  for (const mail of claimed) {
    try {
      if (!(MAIL_TEMPLATES as readonly string[]).includes(mail.template))
        throw new Error(`unknown template ${mail.template}`);
      const rendered = await renderMail(mail.template as MailTemplate, mail.locale, mail.params as MailParams);
      await transport.send({ to: mail.to, ...rendered });
      await db.mailOutbox.update({
        where: { id: mail.id },
        data: { status: "sent", sentAt: new Date(), params: Prisma.DbNull, lastError: null },
      });
      logEvent("mail_sent", { mailId: mail.id, template: mail.template, attempt: mail.attempts });
      sent++;
    } catch (error) {
      const reason = error instanceof Error ? error.message.slice(0, 500) : "send failed";
      const giveUp = mail.attempts >= MAX_ATTEMPTS;
      await db.mailOutbox.update({
        where: { id: mail.id },
        data: giveUp
          ? { status: "failed", params: Prisma.DbNull, lastError: reason }
          : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(mail.attempts)), lastError: reason },
      });
      logEvent(
        giveUp ? "mail_failed" : "mail_retry",
        { mailId: mail.id, template: mail.template, attempt: mail.attempts },
        "warn",
      );
    }
  }
  return sent;
}
