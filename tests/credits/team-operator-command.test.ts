import { afterAll, beforeAll, expect, it } from "vitest";

import { getBalance, getTeamBalance } from "~/server/credits";
import { runCreditsCommand, UsageError } from "~/server/credits/operator-command";
import { TeamNotFoundError } from "~/server/teams/errors";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createTeam } from "./team-pool-helpers";

describeEachDb("credits operator command: --team", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("grant and adjust with --team move the pool (idempotent by --ref), never the user's own balance", async () => {
    const team = await createTeam(t.db);
    const owner = await t.db.user.findUniqueOrThrow({ where: { id: team.ownerId } });
    const grantArgs = [
      "grant",
      owner.email!,
      "900",
      "--reason",
      "goodwill",
      "--ref",
      `g-${team.id}`,
      "--team",
      team.id,
    ];
    expect((await runCreditsCommand(t.db, grantArgs))[0]).toMatch(
      new RegExp(`Granted 900 credits to team ${team.id} .*balance now 900`),
    );
    expect((await runCreditsCommand(t.db, grantArgs))[0]).toMatch(/Nothing changed/);
    const out = await runCreditsCommand(t.db, ["adjust", owner.email!, "-100", "--reason", "fix", `--team=${team.id}`]);
    expect(out[0]).toMatch(/Adjusted -100 credits to team .*balance now 800/);
    expect(await getTeamBalance(t.db, team.id)).toMatchObject({ balance: 800 });
    expect(await getBalance(t.db, team.ownerId)).toMatchObject({ balance: 0 });
    const rows = await t.db.creditLedger.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.userId, r.amount, r.reason])).toEqual([
      [team.ownerId, 900, "adjustment"],
      [team.ownerId, -100, "adjustment"],
    ]);
  });

  it("an unknown team or a misplaced --team writes nothing", async () => {
    const team = await createTeam(t.db);
    const owner = await t.db.user.findUniqueOrThrow({ where: { id: team.ownerId } });
    const before = await t.db.creditLedger.count();
    await expect(
      runCreditsCommand(t.db, ["grant", owner.email!, "5", "--reason", "x", "--team", "no-such-team"]),
    ).rejects.toBeInstanceOf(TeamNotFoundError);
    await expect(runCreditsCommand(t.db, ["show", owner.email!, "--team", team.id])).rejects.toBeInstanceOf(UsageError);
    await expect(runCreditsCommand(t.db, ["grant", owner.email!, "5", "--reason", "x", "--team", " "])).rejects.toThrow(
      /--team needs a team id/,
    );
    expect(await t.db.creditLedger.count()).toBe(before);
  });
});
