/**
 * Replies that never settled themselves (their process died, or the database was down for longer
 * than their settle retried) keep an active hold. Once it is past HOLD_TTL_SECONDS, this settles
 * it from what the reply had delivered (reply-progress.ts): the input once the provider was
 * called plus the output written so far, at the one price rule, under the reply's own ledger ref
 * (so a late settle by the run itself can never charge a second time). The text stays; the
 * message is marked "stopped" (or "error" when nothing was delivered). A reply that never
 * reached the provider is released for nothing. Finding the expired holds is the credits
 * sweep's job (src/server/credits/sweep.ts); this file only closes chat's own.
 */
import { Prisma } from "~/generated/prisma/client";
import { CHAT_REF_TYPE, release, settle, sweepStaleHolds, type StaleHoldCloser } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";

import type { ModelPrices } from "./catalog";
import type { ChatConfig } from "./config";
import { creditsFor } from "./metering";

export type SweepConfig = Pick<
  ChatConfig,
  "holdTtlSeconds" | "creditsPer1kInputTokens" | "creditsPer1kOutputTokens" | "models"
>;

/** A reply's prices: its model's (Message.model) while the catalog offers it, else the default's. */
export function pricesOfModel(config: SweepConfig, modelId: string | null | undefined): ModelPrices {
  return (modelId ? config.models?.find((m) => m.id === modelId) : undefined) ?? config;
}

/**
 * Closes one expired reply hold; false when someone else (the run, another sweep) closed it first.
 * Locks the hold, then the message (the order the run's own settle takes), so the delivered
 * state it charges is the message's last one and no progress write can land after it.
 */
async function closeStaleReply(db: Db, holdId: string, config: SweepConfig): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [hold] = await tx.$queryRaw<{ refId: string; status: string }[]>`
      SELECT "refId", status::text AS status FROM "CreditHold" WHERE id = ${holdId} FOR UPDATE`;
    if (hold?.status !== "active") return false;
    const [message] = await tx.$queryRaw<
      { inputTokens: number | null; outputTokens: number | null; model: string | null }[]
    >`
      UPDATE "Message"
         SET status = (CASE WHEN content = '' THEN 'error' ELSE 'stopped' END)::"MessageStatus", "creditsCharged" = 0
       WHERE id = ${hold.refId} AND status = 'streaming'::"MessageStatus"
       RETURNING "inputTokens", "outputTokens", model`;
    const usage = { inputTokens: message?.inputTokens ?? 0, outputTokens: message?.outputTokens ?? 0 };
    const cost = creditsFor(usage, pricesOfModel(config, message?.model));
    if (cost === 0) return release(tx, holdId);
    const { charged } = await settle(tx, {
      holdId,
      cost,
      refType: CHAT_REF_TYPE,
      refId: hold.refId,
      note: `${usage.inputTokens} input + ${usage.outputTokens} output tokens (interrupted reply)`,
    });
    if (message) await tx.message.update({ where: { id: hold.refId }, data: { creditsCharged: charged } });
    return true;
  });
}

/** The closer the credits sweep uses for chat's holds: settle from what the reply delivered. */
export function chatHoldClosers(db: Db, config: SweepConfig): { [CHAT_REF_TYPE]: StaleHoldCloser } {
  return { [CHAT_REF_TYPE]: (holdId) => closeStaleReply(db, holdId, config) };
}

/** Settles (or releases) every expired reply hold (of one user with `userId`); returns how many it closed. */
export async function settleStaleReplies(
  db: Db,
  config: SweepConfig,
  opts: { userId?: string; now?: Date } = {},
): Promise<number> {
  const now = opts.now ?? new Date();
  const { closed } = await sweepStaleHolds(db, {
    now,
    userId: opts.userId,
    closers: chatHoldClosers(db, config),
    onlyClosers: true,
  });
  await failOrphanedReplies(db, config, { now, userId: opts.userId });
  return closed;
}

/** Replies still "streaming" long after their hold was closed elsewhere (e.g. by an operator's release). */
export async function failOrphanedReplies(
  db: Db,
  config: SweepConfig,
  opts: { userId?: string; now: Date },
): Promise<void> {
  const now = opts.now;
  const cutoff = new Date(now.getTime() - config.holdTtlSeconds * 1000);
  await db.$executeRaw`
    UPDATE "Message" m SET status = 'error'::"MessageStatus", "creditsCharged" = 0
     WHERE m.status = 'streaming'::"MessageStatus" AND m."createdAt" < ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM "CreditHold" h
                        WHERE h."refType" = ${CHAT_REF_TYPE} AND h."refId" = m.id AND h.status = 'active'::"HoldStatus")
       ${opts.userId ? Prisma.sql`AND m."conversationId" IN (SELECT id FROM "Conversation" WHERE "userId" = ${opts.userId})` : Prisma.empty}`;
}
