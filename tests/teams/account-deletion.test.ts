import { afterAll, beforeAll, expect, it } from "vitest";

import { deleteAccount } from "~/server/accounts/delete-account";
import { createTeam, transferOwnership } from "~/server/teams";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { castTeam, eventsOf, teamSnapshot } from "./team-fixtures";

describeEachDb("teams when an account is deleted", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("a member who deletes their account leaves each team, logged as leaving", async () => {
    const c = await castTeam(t.db);
    await deleteAccount(t.db, { userId: c.member, confirmEmail: c.emails.member });
    expect(await t.db.teamMember.count({ where: { userId: c.member } })).toBe(0);
    expect((await eventsOf(t.db, c.teamId)).at(-1)).toMatchObject({
      action: "member_left",
      actorId: c.member,
      subjectId: c.member,
      detail: { role: "member", accountDeleted: true },
    });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: c.member } })).deletedAt).toBeInstanceOf(Date);
  });

  it("the owner of a team with members is refused (nothing erased) until they transfer it", async () => {
    const c = await castTeam(t.db, "Keep me");
    const before = await teamSnapshot(t.db);
    await expect(deleteAccount(t.db, { userId: c.owner, confirmEmail: c.emails.owner })).rejects.toMatchObject({
      code: "owner_must_transfer",
      trpcCode: "CONFLICT",
      message: expect.stringContaining("Keep me"),
    });
    expect(await teamSnapshot(t.db)).toEqual(before);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: c.owner } })).toMatchObject({
      deletedAt: null,
      email: c.emails.owner,
    });
    await transferOwnership(t.db, c.owner, { teamId: c.teamId, memberId: c.admin });
    await deleteAccount(t.db, { userId: c.owner, confirmEmail: c.emails.owner });
    const owners = await t.db.teamMember.findMany({ where: { teamId: c.teamId, role: "owner" } });
    expect(owners.map((m) => m.userId)).toEqual([c.admin]);
    expect(await t.db.teamMember.count({ where: { userId: c.owner } })).toBe(0);
  });

  it("a team's only member, its owner, deletes their account: the team keeps its (anonymised) owner", async () => {
    const c = await castTeam(t.db);
    const solo = await createTeam(t.db, c.outsider, "Solo");
    await deleteAccount(t.db, { userId: c.outsider, confirmEmail: c.emails.outsider });
    expect(await t.db.teamMember.findMany({ where: { teamId: solo.id } })).toMatchObject([
      { userId: c.outsider, role: "owner" },
    ]);
  });
});
