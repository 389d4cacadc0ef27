/**
 * The team's audit log. Every membership, role, limit and billing change writes one row in the
 * transaction that makes the change, so the log never claims what did not happen (nor misses what did).
 */
import type { Prisma } from "~/generated/prisma/client";
import type { DbOrTx } from "~/server/database/transaction";

import type { TeamEventAction } from "./contract";

export interface TeamEventInput {
  teamId: string;
  /** The member who acted; null for Tally itself (a webhook, a job). */
  actorId: string | null;
  action: TeamEventAction;
  /** The member acted on, if any. */
  subjectId?: string | null;
  /** Small structured facts (roles, limits, pack, credits); never free text a user typed, except names. */
  detail?: Prisma.InputJsonObject | null;
}

export async function recordTeamEvent(db: DbOrTx, event: TeamEventInput): Promise<void> {
  await db.teamEvent.create({
    data: {
      teamId: event.teamId,
      actorId: event.actorId,
      action: event.action,
      subjectId: event.subjectId ?? null,
      detail: event.detail ?? undefined,
    },
  });
}
