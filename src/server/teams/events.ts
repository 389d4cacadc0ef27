/** The team's audit log as admins read it: newest first, keyset-paginated, people named by name. */
import type { DbOrTx } from "~/server/database/transaction";
import { keysetQuery, toPage } from "~/server/pagination/keyset";

import { requireTeamRole } from "./access";
import type { TeamEventAction, TeamEventView } from "./contract";

export async function teamEvents(
  db: DbOrTx,
  userId: string,
  input: { teamId: string; cursor?: string; limit: number },
): Promise<{ items: TeamEventView[]; nextCursor: string | null }> {
  await requireTeamRole(db, input.teamId, userId, "admin");
  const query = keysetQuery(input.cursor, input.limit, 64);
  const rows = await db.teamEvent.findMany({ ...query, where: { teamId: input.teamId, ...query.where } });
  const page = toPage(rows, input.limit);
  const people = [...new Set(page.items.flatMap((e) => [e.actorId, e.subjectId]).filter((id) => id !== null))];
  const [users, members] = await Promise.all([
    db.user.findMany({ where: { id: { in: people } }, select: { id: true, name: true, email: true } }),
    db.teamMember.findMany({ where: { teamId: input.teamId, userId: { in: people } }, select: { userId: true } }),
  ]);
  const current = new Set(members.map((m) => m.userId));
  // A person's name; a current member without one by their address; someone who left, by nothing more.
  const nameOf = new Map(users.map((u) => [u.id, u.name ?? (current.has(u.id) ? u.email : null)]));
  return {
    items: page.items.map((event) => ({
      id: event.id,
      action: event.action as TeamEventAction,
      actorName: event.actorId ? (nameOf.get(event.actorId) ?? null) : null,
      subjectName: event.subjectId ? (nameOf.get(event.subjectId) ?? null) : null,
      detail: (event.detail as Record<string, unknown> | null) ?? null,
      createdAt: event.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}
