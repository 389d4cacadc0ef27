import { randomUUID } from "node:crypto";

import type { Db } from "~/server/db";
import { createTeam } from "~/server/teams";

import { snapshot } from "../helpers/db-snapshot";

export interface TeamCast {
  teamId: string;
  owner: string;
  admin: string;
  member: string;
  /** A second plain member, for procedures that act on someone. */
  other: string;
  outsider: string;
  emails: Record<"owner" | "admin" | "member" | "other" | "outsider", string>;
}

async function person(db: Db, label: string): Promise<{ id: string; email: string }> {
  const email = `${label}-${randomUUID()}@test.local`;
  const user = await db.user.create({
    data: { email, emailVerified: new Date(), name: `${label[0]!.toUpperCase()}${label.slice(1)}` },
  });
  return { id: user.id, email };
}

/** A team with an owner, an admin, two members, and a signed-up outsider; memberships written directly. */
export async function castTeam(db: Db, name = "Research"): Promise<TeamCast> {
  const [owner, admin, member, other, outsider] = await Promise.all(
    ["owner", "admin", "member", "other", "outsider"].map((label) => person(db, label)),
  );
  const team = await createTeam(db, owner!.id, name);
  await db.teamMember.createMany({
    data: [
      { teamId: team.id, userId: admin!.id, role: "admin" },
      { teamId: team.id, userId: member!.id, role: "member" },
      { teamId: team.id, userId: other!.id, role: "member" },
    ],
  });
  return {
    teamId: team.id,
    owner: owner!.id,
    admin: admin!.id,
    member: member!.id,
    other: other!.id,
    outsider: outsider!.id,
    emails: {
      owner: owner!.email,
      admin: admin!.email,
      member: member!.email,
      other: other!.email,
      outsider: outsider!.email,
    },
  };
}

/** The money snapshot plus every team table and the mail outbox: equal snapshots mean nothing was written. */
export async function teamSnapshot(db: Db): Promise<Record<string, unknown>> {
  const [base, teams, members, invites, events, mail] = await Promise.all([
    snapshot(db),
    db.team.findMany({ select: { id: true, name: true, balance: true, heldCredits: true }, orderBy: { id: "asc" } }),
    db.teamMember.findMany({
      select: { teamId: true, userId: true, role: true, dailyLimit: true, weeklyLimit: true, monthlyLimit: true },
      orderBy: [{ teamId: "asc" }, { userId: "asc" }],
    }),
    db.teamInvite.findMany({
      select: { id: true, acceptedAt: true, revokedAt: true },
      orderBy: { id: "asc" },
    }),
    db.teamEvent.count(),
    db.mailOutbox.count(),
  ]);
  return { ...base, teams, members, invites, events, mail };
}

export async function eventsOf(db: Db, teamId: string) {
  return db.teamEvent.findMany({ where: { teamId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}
