import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LOCALES } from "~/i18n/locales";

import { hashToken } from "~/server/auth/tokens";
import { renderMail } from "~/server/mail";
import { acceptInvite, inviteMember } from "~/server/teams";

import { latestMail } from "../helpers/mail";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { castTeam, eventsOf, teamSnapshot, type TeamCast } from "./team-fixtures";

const APP_URL = "https://tally.test";

function tokenOfInvite(link: string): string {
  const match = /\/invite\/([A-Za-z0-9_-]{43})$/.exec(link);
  if (!match) throw new Error(`not an invitation link: ${link}`);
  return match[1]!;
}

describe("the team_invite mail", () => {
  it.each(LOCALES)("renders in %s with the team, the inviter, the link and no raw placeholder", async (locale) => {
    const link = `${APP_URL}/invite/${"t".repeat(43)}`;
    for (const role of ["admin", "member"]) {
      const mail = await renderMail("team_invite", locale, { link, teamName: "Acme", inviter: "Ada", role, days: 7 });
      for (const part of [mail.subject, mail.text]) expect(part).not.toMatch(/[{}]/);
      expect(mail.subject).toContain("Acme");
      expect(mail.text).toContain("Ada");
      expect(mail.text).toContain(link);
      expect(mail.text).toContain("7");
    }
  });
});

describeEachDb("teams invitations", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function invite(c: TeamCast, email: string, role: "admin" | "member" = "member", locale = "en") {
    return inviteMember({ db: t.db, appUrl: APP_URL }, c.admin, { teamId: c.teamId, email, role, locale });
  }

  it("an admin invites by email: the mail lands in the outbox with the link, only the token's hash is stored, logged without the address", async () => {
    const c = await castTeam(t.db, "Research");
    const { inviteId, inviteUrl } = await callerFor(
      t.db,
      c.admin,
      new Headers({ "accept-language": "de-DE,de;q=0.9" }),
    ).teams.invite({ teamId: c.teamId, email: "  New.Person@Example.COM ", role: "admin" });
    expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOfInvite(inviteUrl);
    const stored = await t.db.teamInvite.findUniqueOrThrow({ where: { id: inviteId } });
    expect(stored).toMatchObject({ email: "new.person@example.com", role: "admin", tokenHash: hashToken(token) });
    expect(JSON.stringify(stored)).not.toContain(token);
    const days = (stored.expiresAt.getTime() - stored.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    const mail = await latestMail(t.db, "new.person@example.com", "team_invite");
    expect(mail.link).toBe(inviteUrl);
    const row = await t.db.mailOutbox.findUniqueOrThrow({ where: { id: mail.id } });
    expect(row.locale).toBe("de");
    const rendered = await renderMail("team_invite", row.locale, row.params as never);
    expect(rendered.subject).toContain("Research");
    expect(rendered.text).toContain("Admin");
    expect(rendered.text).toContain(inviteUrl);
    const logged = (await eventsOf(t.db, c.teamId)).at(-1)!;
    expect(logged).toMatchObject({ action: "member_invited", actorId: c.admin, detail: { inviteId, role: "admin" } });
    expect(JSON.stringify(logged)).not.toContain("example.com");
    expect((await callerFor(t.db, c.admin).teams.invites({ teamId: c.teamId })).map((i) => i.email)).toEqual([
      "new.person@example.com",
    ]);
  });

  it("the English invitation names the team, the inviter, the role and how long the link works, and escapes names in HTML", async () => {
    const mail = await renderMail("team_invite", "en", {
      link: `${APP_URL}/invite/x`,
      teamName: "<R&D>",
      inviter: "Ada",
      role: "member",
      days: 7,
    });
    expect(mail.subject).toBe("Ada invited you to <R&D> on Tally");
    expect(mail.text).toContain("as a member");
    expect(mail.text).toContain("7 days");
    expect(mail.html).toContain("&lt;R&amp;D&gt;");
    expect(mail.html).not.toContain("<R&D>");
  });

  it("refusals write nothing: a member inviting, an existing member's address (any case), a bad address", async () => {
    const c = await castTeam(t.db);
    const before = await teamSnapshot(t.db);
    expect(await outcome(callerFor(t.db, c.member), "teams.invite", { teamId: c.teamId, email: "x@example.com" })).toBe(
      "FORBIDDEN",
    );
    const admin = callerFor(t.db, c.admin);
    expect(await outcome(admin, "teams.invite", { teamId: c.teamId, email: c.emails.member.toUpperCase() })).toBe(
      "CONFLICT",
    );
    for (const email of ["", "not-an-email", `${"a".repeat(250)}@x.io`])
      expect(await outcome(admin, "teams.invite", { teamId: c.teamId, email })).toBe("BAD_REQUEST");
    expect(await outcome(admin, "teams.invite", { teamId: c.teamId, email: "x@example.com", role: "owner" })).toBe(
      "BAD_REQUEST",
    );
    expect(await teamSnapshot(t.db)).toEqual(before);
  });

  it("a new invitation to the same address revokes the older open one", async () => {
    const c = await castTeam(t.db);
    const first = await invite(c, c.emails.outsider);
    const second = await invite(c, c.emails.outsider, "admin");
    const outsider = callerFor(t.db, c.outsider);
    expect(await outsider.teams.previewInvite({ token: tokenOfInvite(first.inviteUrl) })).toMatchObject({
      state: "revoked",
    });
    expect(await outcome(outsider, "teams.acceptInvite", { token: tokenOfInvite(first.inviteUrl) })).toBe("CONFLICT");
    expect((await callerFor(t.db, c.admin).teams.invites({ teamId: c.teamId })).map((i) => i.id)).toEqual([
      second.inviteId,
    ]);
    expect(await outsider.teams.acceptInvite({ token: tokenOfInvite(second.inviteUrl) })).toEqual({
      teamId: c.teamId,
    });
    expect((await t.db.teamMember.findFirstOrThrow({ where: { teamId: c.teamId, userId: c.outsider } })).role).toBe(
      "admin",
    );
  });

  it("preview shows the team, inviter, role, state and whether the caller's email matches", async () => {
    const c = await castTeam(t.db, "Design");
    const { inviteUrl } = await invite(c, c.emails.outsider.toUpperCase());
    const token = tokenOfInvite(inviteUrl);
    expect(await callerFor(t.db, c.outsider).teams.previewInvite({ token })).toEqual({
      teamName: "Design",
      invitedBy: "Admin",
      role: "member",
      email: c.emails.outsider.toLowerCase(),
      emailMatches: true,
      state: "open",
      alreadyMember: false,
    });
    expect(await callerFor(t.db, c.member).teams.previewInvite({ token })).toMatchObject({
      emailMatches: false,
      alreadyMember: true,
    });
    const unknown = "A".repeat(43);
    expect(await outcome(callerFor(t.db, c.outsider), "teams.previewInvite", { token: unknown })).toBe("NOT_FOUND");
    for (const bad of ["short", `${"A".repeat(42)}!`, "A".repeat(44)])
      expect(await outcome(callerFor(t.db, c.outsider), "teams.previewInvite", { token: bad })).toBe("BAD_REQUEST");
  });

  it("accept: only the invited address joins, with the invited role, logged; wrong email, expired, revoked, unknown write nothing", async () => {
    const c = await castTeam(t.db);
    const { inviteId, inviteUrl } = await invite(c, c.emails.outsider);
    const token = tokenOfInvite(inviteUrl);
    const stranger = (await t.db.user.create({ data: { email: `stranger-${inviteId}@test.local` } })).id;
    const before = await teamSnapshot(t.db);
    expect(await outcome(callerFor(t.db, stranger), "teams.acceptInvite", { token })).toBe("CONFLICT");
    expect(await outcome(callerFor(t.db, c.member), "teams.acceptInvite", { token })).toBe("CONFLICT");
    expect(await outcome(callerFor(t.db, c.outsider), "teams.acceptInvite", { token: "B".repeat(43) })).toBe(
      "NOT_FOUND",
    );
    expect(await teamSnapshot(t.db)).toEqual(before);

    await callerFor(t.db, c.outsider).teams.acceptInvite({ token });
    expect(await t.db.teamInvite.findUniqueOrThrow({ where: { id: inviteId } })).toMatchObject({
      acceptedById: c.outsider,
    });
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "member_joined",
      actorId: c.outsider,
      subjectId: c.outsider,
      detail: { role: "member", inviteId },
    });
    expect(await outcome(callerFor(t.db, c.outsider), "teams.acceptInvite", { token })).toBe("CONFLICT");

    const expired = await invite(c, "late@example.com");
    await t.db.teamInvite.update({ where: { id: expired.inviteId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = (await t.db.user.create({ data: { email: "late@example.com", emailVerified: new Date() } })).id;
    const expiredToken = tokenOfInvite(expired.inviteUrl);
    expect(await callerFor(t.db, late).teams.previewInvite({ token: expiredToken })).toMatchObject({
      state: "expired",
    });
    expect(await outcome(callerFor(t.db, late), "teams.acceptInvite", { token: expiredToken })).toBe("CONFLICT");
    expect(await t.db.teamMember.count({ where: { teamId: c.teamId, userId: late } })).toBe(0);
    expect((await callerFor(t.db, c.admin).teams.invites({ teamId: c.teamId })).map((i) => i.email)).toEqual([]);
  });

  it("revoke: admins revoke open invitations (logged); the link stops working; another team's invitation is NOT_FOUND", async () => {
    const c = await castTeam(t.db);
    const d = await castTeam(t.db);
    const { inviteId, inviteUrl } = await invite(c, c.emails.outsider);
    const before = await teamSnapshot(t.db);
    expect(await outcome(callerFor(t.db, c.member), "teams.revokeInvite", { teamId: c.teamId, inviteId })).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(callerFor(t.db, d.admin), "teams.revokeInvite", { teamId: d.teamId, inviteId })).toBe(
      "NOT_FOUND",
    );
    expect(await teamSnapshot(t.db)).toEqual(before);
    await callerFor(t.db, c.admin).teams.revokeInvite({ teamId: c.teamId, inviteId });
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({ action: "invite_revoked", detail: { inviteId } });
    expect(await outcome(callerFor(t.db, c.outsider), "teams.acceptInvite", { token: tokenOfInvite(inviteUrl) })).toBe(
      "CONFLICT",
    );
    expect(await outcome(callerFor(t.db, c.admin), "teams.revokeInvite", { teamId: c.teamId, inviteId })).toBe(
      "CONFLICT",
    );
  });

  it("invitations are rate limited per recipient across teams: the 4th in 15 minutes is refused and mails nothing", async () => {
    const email = `popular-${Date.now()}@example.com`;
    const teams = await Promise.all([castTeam(t.db), castTeam(t.db), castTeam(t.db), castTeam(t.db)]);
    for (const c of teams.slice(0, 3))
      await callerFor(t.db, c.admin).teams.invite({ teamId: c.teamId, email, role: "member" });
    const before = await teamSnapshot(t.db);
    const last = teams[3]!;
    expect(await outcome(callerFor(t.db, last.admin), "teams.invite", { teamId: last.teamId, email })).toBe(
      "TOO_MANY_REQUESTS",
    );
    expect(await teamSnapshot(t.db)).toEqual(before);
  });

  it("an account whose address is not confirmed yet cannot accept; once confirmed it can", async () => {
    const c = await castTeam(t.db);
    const email = `unconfirmed-${c.teamId}@example.com`;
    const { inviteUrl } = await invite(c, email);
    const token = tokenOfInvite(inviteUrl);
    const newcomer = (await t.db.user.create({ data: { email } })).id;
    const before = await teamSnapshot(t.db);
    expect(await callerFor(t.db, newcomer).teams.previewInvite({ token })).toMatchObject({
      emailMatches: true,
      state: "open",
    });
    expect(await outcome(callerFor(t.db, newcomer), "teams.acceptInvite", { token })).toBe("FORBIDDEN");
    expect(await teamSnapshot(t.db)).toEqual(before);
    await t.db.user.update({ where: { id: newcomer }, data: { emailVerified: new Date() } });
    expect(await callerFor(t.db, newcomer).teams.acceptInvite({ token })).toEqual({ teamId: c.teamId });
  });

  it("a link is single-use: of concurrent accepts exactly one joins, once", async () => {
    const c = await castTeam(t.db);
    const { inviteUrl } = await invite(c, c.emails.outsider);
    const token = tokenOfInvite(inviteUrl);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acceptInvite(t.db, c.outsider, token)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect((r.reason as { trpcCode?: string }).trpcCode).toBe("CONFLICT");
    expect(await t.db.teamMember.count({ where: { teamId: c.teamId, userId: c.outsider } })).toBe(1);
    expect((await eventsOf(t.db, c.teamId)).filter((e) => e.action === "member_joined")).toHaveLength(1);
  });
});
