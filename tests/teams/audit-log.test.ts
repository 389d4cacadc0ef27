import { afterAll, beforeAll, expect, it } from "vitest";

import { inviteMember } from "~/server/teams";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { castTeam } from "./team-fixtures";

describeEachDb("teams audit log", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("admins page through every change newest first, by name; members and outsiders cannot read it", async () => {
    const c = await castTeam(t.db, "Ops");
    const admin = callerFor(t.db, c.admin);
    await admin.teams.rename({ teamId: c.teamId, name: "Operations" });
    await admin.teams.setRole({ teamId: c.teamId, memberId: c.member, role: "admin" });
    await admin.teams.setLimits({ teamId: c.teamId, memberId: c.other, limits: { day: 50, week: null, month: null } });
    await inviteMember({ db: t.db, appUrl: "https://tally.test" }, c.admin, {
      teamId: c.teamId,
      email: "someone@example.com",
      role: "member",
      locale: "en",
    });
    await admin.teams.removeMember({ teamId: c.teamId, memberId: c.other });

    const seen: { action: string; actorName: string | null; subjectName: string | null }[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await admin.teams.events({ teamId: c.teamId, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map(({ action, actorName, subjectName }) => ({ action, actorName, subjectName })));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([
      { action: "member_removed", actorName: "Admin", subjectName: "Other" },
      { action: "member_invited", actorName: "Admin", subjectName: null },
      { action: "limits_changed", actorName: "Admin", subjectName: "Other" },
      { action: "role_changed", actorName: "Admin", subjectName: "Member" },
      { action: "team_renamed", actorName: "Admin", subjectName: null },
      { action: "team_created", actorName: "Owner", subjectName: null },
    ]);
    expect(JSON.stringify(await admin.teams.events({ teamId: c.teamId, limit: 100 }))).not.toContain("example.com");

    expect(await outcome(callerFor(t.db, c.other), "teams.events", { teamId: c.teamId, limit: 10 })).toBe("NOT_FOUND");
    const d = await castTeam(t.db);
    expect(await outcome(callerFor(t.db, d.member), "teams.events", { teamId: d.teamId, limit: 10 })).toBe("FORBIDDEN");
    // Another team's cursor selects nothing of that team.
    const other = await callerFor(t.db, d.admin).teams.events({ teamId: d.teamId, limit: 1 });
    const mine = await admin.teams.events({ teamId: c.teamId, limit: 100, cursor: other.nextCursor ?? undefined });
    const ours = new Set((await t.db.teamEvent.findMany({ where: { teamId: c.teamId } })).map((e) => e.id));
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.filter((e) => !ours.has(e.id))).toEqual([]);
  });

  it("someone without a name is shown by address while a member, by nothing once they left", async () => {
    const c = await castTeam(t.db);
    await t.db.user.update({ where: { id: c.other }, data: { name: null } });
    const admin = callerFor(t.db, c.admin);
    await admin.teams.setRole({ teamId: c.teamId, memberId: c.other, role: "admin" });
    expect((await admin.teams.events({ teamId: c.teamId, limit: 1 })).items[0]!.subjectName).toBe(c.emails.other);
    await callerFor(t.db, c.other).teams.leave({ teamId: c.teamId });
    const items = (await admin.teams.events({ teamId: c.teamId, limit: 2 })).items;
    expect(items.map((e) => [e.action, e.subjectName])).toEqual([
      ["member_left", null],
      ["role_changed", null],
    ]);
  });
});
