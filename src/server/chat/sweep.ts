/**
 * Replies whose process died mid-stream never settle. Their hold expires after HOLD_TTL_SECONDS;
 * this releases such holds (the user is not charged for a reply they never fully got) and marks
 * their messages as errors so they stop showing as "streaming".
 */
import { release } from "~/server/credits";
import type { Db } from "~/server/db";

import { CHAT_REF_TYPE } from "./reply-run";

export async function releaseStaleReplies(db: Db, opts: { ttlSeconds: number; userId?: string; now?: Date }): Promise<number> {
  const now = opts.now ?? new Date();
  const stale = await db.creditHold.findMany({
    where: { status: "active", refType: CHAT_REF_TYPE, expiresAt: { lt: now }, ...(opts.userId ? { userId: opts.userId } : {}) },
    select: { id: true, refId: true },
    take: 1000,
  });
  let released = 0;
  for (const hold of stale) {
    if (await release(db, hold.id)) released += 1;
    await db.message.updateMany({ where: { id: hold.refId, status: "streaming" }, data: { status: "error", creditsCharged: 0 } });
  }
  // Replies whose hold some other sweep already released.
  await db.message.updateMany({
    where: {
      status: "streaming",
      createdAt: { lt: new Date(now.getTime() - opts.ttlSeconds * 1000) },
      ...(opts.userId ? { conversation: { userId: opts.userId } } : {}),
    },
    data: { status: "error", creditsCharged: 0 },
  });
  return released;
}
