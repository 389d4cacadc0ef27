import { afterAll, beforeAll, expect, it } from "vitest";

import { createTeam, leaveTeam, transferOwnership } from "~/server/teams";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { castTeam, eventsOf, teamSnapshot } from "./team-fixtures";

describeEachDb("teams membership", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("create makes the caller the owner of an empty pool and logs team_created; list shows it", async () => {
    const c = await castTeam(t.db);
    const created = await callerFor(t.db, c.outsider).teams.create({ name: "  Side project  " });
    expect(created).toMatchObject({
      name: "Side project",
      role: "owner",
      balance: 0,
      held: 0,
      spendable: 0,
      limits: [],
      spendableForMe: 0,
      memberCount: 1,
    });
    const events = await eventsOf(t.db, created.id);
    expect(events.map((e) => [e.action, e.actorId])).toEqual([["team_created", c.outsider]]);
    const list = await callerFor(t.db, c.outsider).teams.list();
    expect(list.map((team) => [team.id, team.role])).toEqual([[created.id, "owner"]]);
    expect(list[0]).not.toHaveProperty("createdAt");
  });

  it("list shows each team's pool from the Team row and the member count; get refuses outsiders as NOT_FOUND", async () => {
    const c = await castTeam(t.db);
    await t.db.team.update({ where: { id: c.teamId }, data: { balance: 5_000, heldCredits: 1_200 } });
    const [mine] = await callerFor(t.db, c.member).teams.list();
    expect(mine).toMatchObject({ id: c.teamId, role: "member", balance: 5_000, held: 1_200, spendable: 3_800 });
    expect(mine).toMatchObject({ spendableForMe: 3_800, memberCount: 4 });
    expect(await callerFor(t.db, c.outsider).teams.list()).toEqual([]);
    expect(await outcome(callerFor(t.db, c.outsider), "teams.get", { teamId: c.teamId })).toBe("NOT_FOUND");
    expect(await outcome(callerFor(t.db, c.outsider), "teams.get", { teamId: "no-such-team" })).toBe("NOT_FOUND");
  });

  it("rename: admins only, trimmed, logged with old and new name; bad names are refused and write nothing", async () => {
    const c = await castTeam(t.db, "Old");
    const before = await teamSnapshot(t.db);
    expect(await outcome(callerFor(t.db, c.member), "teams.rename", { teamId: c.teamId, name: "Mine" })).toBe(
      "FORBIDDEN",
    );
    for (const name of ["", "   ", "x".repeat(81), "a\u0000b"])
      expect(await outcome(callerFor(t.db, c.admin), "teams.rename", { teamId: c.teamId, name })).toBe("BAD_REQUEST");
    expect(await teamSnapshot(t.db)).toEqual(before);
    expect((await callerFor(t.db, c.admin).teams.rename({ teamId: c.teamId, name: " New " })).name).toBe("New");
    const last = (await eventsOf(t.db, c.teamId)).at(-1)!;
    expect(last).toMatchObject({ action: "team_renamed", actorId: c.admin, detail: { from: "Old", to: "New" } });
  });

  it("members: everyone sees names and roles; only admins see others' limits and spend, a member sees their own", async () => {
    const c = await castTeam(t.db);
    await t.db.creditLedger.create({
      data: {
        userId: c.other,
        teamId: c.teamId,
        amount: -700,
        balanceAfter: -700,
        reason: "chat_usage",
        refType: "chat_message",
        refId: `m-${c.other}`,
      },
    });
    const byAdmin = await callerFor(t.db, c.admin).teams.members({ teamId: c.teamId });
    expect(byAdmin.map((m) => m.role).sort()).toEqual(["admin", "member", "member", "owner"]);
    const other = byAdmin.find((m) => m.userId === c.other)!;
    expect(other).toMatchObject({ name: "Other", limits: { day: null, week: null, month: null }, spentThisMonth: 700 });
    const byMember = await callerFor(t.db, c.member).teams.members({ teamId: c.teamId });
    expect(byMember.find((m) => m.userId === c.other)).toMatchObject({ limits: null, use: null, spentThisMonth: null });
    expect(byMember.find((m) => m.userId === c.member)).toMatchObject({ spentThisMonth: 0, use: [] });
    expect(await outcome(callerFor(t.db, c.outsider), "teams.members", { teamId: c.teamId })).toBe("NOT_FOUND");
  });

  it("setRole: an admin promotes and demotes non-owners, logged; never the owner's role, never by a member", async () => {
    const c = await castTeam(t.db);
    await callerFor(t.db, c.admin).teams.setRole({ teamId: c.teamId, memberId: c.member, role: "admin" });
    expect((await t.db.teamMember.findFirstOrThrow({ where: { userId: c.member } })).role).toBe("admin");
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "role_changed",
      actorId: c.admin,
      subjectId: c.member,
      detail: { from: "member", to: "admin" },
    });
    const before = await teamSnapshot(t.db);
    const admin = callerFor(t.db, c.admin);
    expect(await outcome(admin, "teams.setRole", { teamId: c.teamId, memberId: c.owner, role: "member" })).toBe(
      "CONFLICT",
    );
    expect(await outcome(admin, "teams.setRole", { teamId: c.teamId, memberId: c.owner, role: "owner" })).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(admin, "teams.setRole", { teamId: c.teamId, memberId: c.outsider, role: "admin" })).toBe(
      "NOT_FOUND",
    );
    expect(
      await outcome(callerFor(t.db, c.other), "teams.setRole", { teamId: c.teamId, memberId: c.other, role: "admin" }),
    ).toBe("FORBIDDEN");
    expect(await teamSnapshot(t.db)).toEqual(before);
  });

  it("setLimits: admins set and clear limits, logged with old and new; bad limits and the owner's limits by an admin are refused", async () => {
    const c = await castTeam(t.db);
    const admin = callerFor(t.db, c.admin);
    await admin.teams.setLimits({
      teamId: c.teamId,
      memberId: c.member,
      limits: { day: 100, week: null, month: 2_000 },
    });
    expect(await t.db.teamMember.findFirstOrThrow({ where: { userId: c.member } })).toMatchObject({
      dailyLimit: 100,
      weeklyLimit: null,
      monthlyLimit: 2_000,
    });
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "limits_changed",
      subjectId: c.member,
      detail: { from: { day: null, week: null, month: null }, to: { day: 100, week: null, month: 2_000 } },
    });
    const before = await teamSnapshot(t.db);
    for (const day of [0, -5, 1.5, 1e12, "100"])
      expect(
        await outcome(admin, "teams.setLimits", {
          teamId: c.teamId,
          memberId: c.member,
          limits: { day, week: null, month: null },
        }),
      ).toBe("BAD_REQUEST");
    const owners = { teamId: c.teamId, memberId: c.owner, limits: { day: 1, week: null, month: null } };
    expect(await outcome(admin, "teams.setLimits", owners)).toBe("FORBIDDEN");
    expect(await outcome(callerFor(t.db, c.member), "teams.setLimits", { ...owners, memberId: c.member })).toBe(
      "FORBIDDEN",
    );
    // The same limits again change nothing and log nothing.
    await admin.teams.setLimits({
      teamId: c.teamId,
      memberId: c.member,
      limits: { day: 100, week: null, month: 2_000 },
    });
    expect(await teamSnapshot(t.db)).toEqual(before);
    await callerFor(t.db, c.owner).teams.setLimits(owners);
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({ action: "limits_changed", subjectId: c.owner });
  });

  it("removeMember: admins remove members and admins, never the owner nor themselves; logged", async () => {
    const c = await castTeam(t.db);
    const admin = callerFor(t.db, c.admin);
    const before = await teamSnapshot(t.db);
    expect(await outcome(admin, "teams.removeMember", { teamId: c.teamId, memberId: c.owner })).toBe("CONFLICT");
    expect(await outcome(admin, "teams.removeMember", { teamId: c.teamId, memberId: c.admin })).toBe("CONFLICT");
    expect(
      await outcome(callerFor(t.db, c.member), "teams.removeMember", { teamId: c.teamId, memberId: c.other }),
    ).toBe("FORBIDDEN");
    expect(await teamSnapshot(t.db)).toEqual(before);
    await admin.teams.removeMember({ teamId: c.teamId, memberId: c.other });
    expect(await t.db.teamMember.count({ where: { teamId: c.teamId, userId: c.other } })).toBe(0);
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "member_removed",
      actorId: c.admin,
      subjectId: c.other,
    });
    expect(await outcome(callerFor(t.db, c.other), "teams.get", { teamId: c.teamId })).toBe("NOT_FOUND");
    await callerFor(t.db, c.owner).teams.removeMember({ teamId: c.teamId, memberId: c.admin });
    expect(await outcome(admin, "teams.members", { teamId: c.teamId })).toBe("NOT_FOUND");
  });

  it("leave: members and admins leave (logged); the owner must transfer first", async () => {
    const c = await castTeam(t.db);
    await callerFor(t.db, c.member).teams.leave({ teamId: c.teamId });
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "member_left",
      actorId: c.member,
      subjectId: c.member,
    });
    const before = await teamSnapshot(t.db);
    expect(await outcome(callerFor(t.db, c.owner), "teams.leave", { teamId: c.teamId })).toBe("CONFLICT");
    expect(await outcome(callerFor(t.db, c.member), "teams.leave", { teamId: c.teamId })).toBe("NOT_FOUND");
    expect(await teamSnapshot(t.db)).toEqual(before);
    await callerFor(t.db, c.owner).teams.transferOwnership({ teamId: c.teamId, memberId: c.other });
    await callerFor(t.db, c.owner).teams.leave({ teamId: c.teamId });
    const roster = await t.db.teamMember.findMany({ where: { teamId: c.teamId } });
    expect(roster.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [c.admin, "admin"],
        [c.other, "owner"],
      ].sort(),
    );
  });

  it("transferOwnership: owner only, to an existing member; the old owner becomes admin; logged", async () => {
    const c = await castTeam(t.db);
    const before = await teamSnapshot(t.db);
    expect(
      await outcome(callerFor(t.db, c.admin), "teams.transferOwnership", { teamId: c.teamId, memberId: c.admin }),
    ).toBe("FORBIDDEN");
    const owner = callerFor(t.db, c.owner);
    expect(await outcome(owner, "teams.transferOwnership", { teamId: c.teamId, memberId: c.outsider })).toBe(
      "NOT_FOUND",
    );
    expect(await outcome(owner, "teams.transferOwnership", { teamId: c.teamId, memberId: c.owner })).toBe("CONFLICT");
    expect(await teamSnapshot(t.db)).toEqual(before);
    await owner.teams.transferOwnership({ teamId: c.teamId, memberId: c.member });
    const roles = Object.fromEntries(
      (await t.db.teamMember.findMany({ where: { teamId: c.teamId } })).map((m) => [m.userId, m.role]),
    );
    expect(roles).toEqual({ [c.owner]: "admin", [c.admin]: "admin", [c.member]: "owner", [c.other]: "member" });
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "ownership_transferred",
      actorId: c.owner,
      subjectId: c.member,
    });
  });

  it("one owner always: concurrent transfers to different members and a concurrent leave leave exactly one owner", async () => {
    for (let round = 0; round < 3; round++) {
      const c = await castTeam(t.db);
      const results = await Promise.allSettled([
        transferOwnership(t.db, c.owner, { teamId: c.teamId, memberId: c.member }),
        transferOwnership(t.db, c.owner, { teamId: c.teamId, memberId: c.other }),
        transferOwnership(t.db, c.owner, { teamId: c.teamId, memberId: c.admin }),
        leaveTeam(t.db, c.owner, c.teamId),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(
        1 + (results[3].status === "fulfilled" ? 1 : 0),
      );
      const owners = await t.db.teamMember.findMany({ where: { teamId: c.teamId, role: "owner" } });
      expect(owners).toHaveLength(1);
      const transfers = (await eventsOf(t.db, c.teamId)).filter((e) => e.action === "ownership_transferred");
      expect(transfers).toHaveLength(1);
      expect(transfers[0]!.subjectId).toBe(owners[0]!.userId);
    }
  });

  it("a team name is the creator's text, stored as given (trimmed), and the creator alone is in it", async () => {
    const c = await castTeam(t.db);
    const team = await createTeam(t.db, c.outsider, "Ünïcode & <b>team</b>");
    expect(team.name).toBe("Ünïcode & <b>team</b>");
    expect(await t.db.teamMember.count({ where: { teamId: team.id } })).toBe(1);
  });
});
