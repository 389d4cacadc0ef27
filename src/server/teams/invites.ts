/**
 * Invitations by email. The link carries 32 random bytes; only their SHA-256 is stored, so a
 * database leak yields no working link. Accepting is one conditional UPDATE: of two concurrent
 * accepts exactly one joins.
 */
import { randomBytes } from "node:crypto";

import type { TeamInvite } from "~/generated/prisma/client";
import { INVITE_TTL_DAYS, type AssignableRole } from "~/lib/teams";
import { hashToken } from "~/server/auth/tokens";
import { inTransaction, type DbOrTx } from "~/server/database/transaction";
import { enqueueMail } from "~/server/mail";

import { requireTeamRole } from "./access";
import { recordTeamEvent } from "./audit";
import type { InvitePreview, TeamInviteView } from "./contract";
import { InviteEmailUnverifiedError, InviteNotUsableError, TeamMembershipError } from "./errors";
import { lockTeam } from "./lock";

export interface InviteDeps {
  db: DbOrTx;
  /** The app's public URL: the invitation link is APP_URL/invite/<token>. */
  appUrl: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function inviteUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/invite/${token}`;
}

function stateOf(invite: TeamInvite, now: Date): InvitePreview["state"] {
  if (invite.acceptedAt) return "accepted";
  if (invite.revokedAt) return "revoked";
  return invite.expiresAt <= now ? "expired" : "open";
}

function openInvites(teamId: string, now: Date) {
  return { teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } };
}

/** Mails the invitation (in `locale`) and returns its link, which the admin can also copy. */
export async function inviteMember(
  deps: InviteDeps,
  userId: string,
  input: { teamId: string; email: string; role: AssignableRole; locale: string },
): Promise<{ inviteId: string; inviteUrl: string }> {
  const email = input.email.trim().toLowerCase();
  return inTransaction(deps.db, async (tx) => {
    await lockTeam(tx, input.teamId);
    await requireTeamRole(tx, input.teamId, userId, "admin");
    const existing = await tx.teamMember.findFirst({
      where: { teamId: input.teamId, user: { email: { equals: email, mode: "insensitive" } } },
      select: { userId: true },
    });
    if (existing) throw new TeamMembershipError("already_member", `${email} is already in this team.`);
    const now = new Date();
    // A new invitation replaces the open one to the same address: only the newest link works.
    await tx.teamInvite.updateMany({ where: { ...openInvites(input.teamId, now), email }, data: { revokedAt: now } });
    const token = randomBytes(32).toString("base64url");
    const invite = await tx.teamInvite.create({
      data: {
        teamId: input.teamId,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: userId,
        expiresAt: new Date(now.getTime() + INVITE_TTL_DAYS * DAY_MS),
      },
      include: { team: { select: { name: true } }, invitedBy: { select: { name: true, email: true } } },
    });
    const link = inviteUrl(deps.appUrl, token);
    await enqueueMail(tx, {
      to: email,
      template: "team_invite",
      locale: input.locale,
      params: {
        link,
        teamName: invite.team.name,
        inviter: invite.invitedBy.name ?? invite.invitedBy.email ?? "",
        role: input.role,
        days: INVITE_TTL_DAYS,
      },
    });
    // The address stays on the invitation (admins see it there); the log names only members.
    await recordTeamEvent(tx, {
      teamId: input.teamId,
      actorId: userId,
      action: "member_invited",
      detail: { inviteId: invite.id, role: input.role },
    });
    return { inviteId: invite.id, inviteUrl: link };
  });
}

export async function listInvites(db: DbOrTx, userId: string, teamId: string): Promise<TeamInviteView[]> {
  await requireTeamRole(db, teamId, userId, "admin");
  const invites = await db.teamInvite.findMany({
    where: openInvites(teamId, new Date()),
    include: { invitedBy: { select: { name: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return invites.map((invite) => ({
    id: invite.id,
    email: invite.email,
    role: invite.role,
    invitedBy: invite.invitedBy.name,
    createdAt: invite.createdAt,
    expiresAt: invite.expiresAt,
  }));
}

export async function revokeInvite(db: DbOrTx, userId: string, teamId: string, inviteId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    await requireTeamRole(tx, teamId, userId, "admin");
    const invite = await tx.teamInvite.findFirst({ where: { id: inviteId, teamId } });
    if (!invite) throw new InviteNotUsableError("missing");
    const now = new Date();
    const state = stateOf(invite, now);
    if (state !== "open") throw new InviteNotUsableError(state);
    const revoked = await tx.teamInvite.updateMany({
      where: { id: inviteId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    if (revoked.count !== 1) throw new InviteNotUsableError("accepted");
    await recordTeamEvent(tx, {
      teamId,
      actorId: userId,
      action: "invite_revoked",
      detail: { inviteId, role: invite.role },
    });
  });
}

async function inviteByToken(db: DbOrTx, token: string) {
  const invite = await db.teamInvite.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { team: { select: { name: true } }, invitedBy: { select: { name: true } } },
  });
  if (!invite) throw new InviteNotUsableError("missing");
  return invite;
}

async function caller(db: DbOrTx, userId: string): Promise<{ email: string; verified: boolean }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, emailVerified: true } });
  return { email: (user.email ?? "").toLowerCase(), verified: user.emailVerified !== null };
}

export async function previewInvite(db: DbOrTx, userId: string, token: string): Promise<InvitePreview> {
  const invite = await inviteByToken(db, token);
  const membership = await db.teamMember.findUnique({
    where: { teamId_userId: { teamId: invite.teamId, userId } },
    select: { role: true },
  });
  return {
    teamName: invite.team.name,
    invitedBy: invite.invitedBy.name,
    role: invite.role,
    email: invite.email,
    emailMatches: (await caller(db, userId)).email === invite.email.toLowerCase(),
    state: stateOf(invite, new Date()),
    alreadyMember: membership !== null,
  };
}

export async function acceptInvite(db: DbOrTx, userId: string, token: string): Promise<{ teamId: string }> {
  return inTransaction(db, async (tx) => {
    const invite = await inviteByToken(tx, token);
    const me = await caller(tx, userId);
    if (me.email !== invite.email.toLowerCase()) throw new InviteNotUsableError("wrong_email");
    // The link proves who reads the mailbox only to whoever clicks it; the account must prove it too.
    if (!me.verified) throw new InviteEmailUnverifiedError();
    const now = new Date();
    const state = stateOf(invite, now);
    if (state !== "open") throw new InviteNotUsableError(state);
    await lockTeam(tx, invite.teamId);
    const member = await tx.teamMember.findUnique({
      where: { teamId_userId: { teamId: invite.teamId, userId } },
      select: { role: true },
    });
    if (member) throw new TeamMembershipError("already_member", "You are already in this team.");
    const used = await tx.teamInvite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now, acceptedById: userId },
    });
    if (used.count !== 1) throw new InviteNotUsableError("accepted");
    await tx.teamMember.create({ data: { teamId: invite.teamId, userId, role: invite.role } });
    await recordTeamEvent(tx, {
      teamId: invite.teamId,
      actorId: userId,
      action: "member_joined",
      subjectId: userId,
      detail: { role: invite.role, inviteId: invite.id },
    });
    return { teamId: invite.teamId };
  });
}
