import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { recountMemberUse } from "~/server/credits";

import { createTestDb, testDbKinds, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { poolViolations } from "./invariants";
import { teamCoverageProblems, teamViolations, type TeamExpectations } from "./team-invariants";
import type { LoadTeam } from "./team-traffic";

// The load run's team checks (scripts/load-invariants.ts) are only as good as this: each must fire on the
// corruption it names, and stay quiet on a consistent run. The state is written in SQL, as the run leaves it:
// a pool bought once (50,000), a limited member who spent 30 of a daily limit of 100 on one reply.
describe.runIf(testDbKinds().includes("postgres"))("load-run team invariant checks", () => {
  let t: TestDb;
  let sql: pg.Pool;
  let team: LoadTeam;
  let expected: TeamExpectations;
  let replyId: string;
  const teamId = "team_load_check";
  const sessionId = "cs_team_load_check";

  beforeAll(async () => {
    t = await createTestDb("postgres");
    sql = new pg.Pool({ connectionString: t.url, max: 2 });
    const owner = (await createUser(t.db)).id;
    const limited = (await createUser(t.db)).id;
    const loose = (await createUser(t.db)).id;
    await sql.query(
      `INSERT INTO "Team" (id, name, balance, "heldCredits", "updatedAt") VALUES ($1, 'Load', 49970, 0, now())`,
      [teamId],
    );
    await sql.query(
      `INSERT INTO "TeamMember" ("teamId", "userId", role, "dailyLimit", "updatedAt")
       VALUES ($1, $2, 'owner', NULL, now()), ($1, $3, 'member', 100, now()), ($1, $4, 'member', 1000000, now())`,
      [teamId, owner, limited, loose],
    );
    await sql.query(
      `INSERT INTO "Purchase" (id, "userId", "teamId", "packId", credits, "amountTotal", currency, status, "updatedAt")
       VALUES ($1, $2, $3, 'starter', 50000, 500, 'usd', 'paid', now())`,
      [sessionId, owner, teamId],
    );
    await sql.query(
      `INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId")
       VALUES ('grant_pool', $1, $2, 50000, 50000, 'purchase', 'stripe_checkout_session', $3)`,
      [owner, teamId, sessionId],
    );
    await sql.query(
      `INSERT INTO "TeamEvent" (id, "teamId", "actorId", action) VALUES ('ev_bought', $1, $2, 'credits_purchased')`,
      [teamId, owner],
    );
    const conversation = await t.db.conversation.create({ data: { userId: limited, title: "x" } });
    const reply = await t.db.message.create({
      data: {
        conversationId: conversation.id,
        role: "assistant",
        content: "ok",
        status: "complete",
        creditsCharged: 30,
        paidByTeamId: teamId,
      },
    });
    replyId = reply.id;
    await sql.query(
      `INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId")
       VALUES ('spend_pool', $1, $2, -30, 49970, 'chat_usage', 'chat_message', $3)`,
      [limited, teamId, replyId],
    );
    // The running totals the gate keeps for members with a limit, as the spend above left them.
    for (const userId of [limited, loose]) await recountMemberUse(t.db, teamId, userId);
    team = { teamId, ownerId: owner, memberIds: [limited, loose], limitedId: limited, limitRefusals: new Map() };
    expected = {
      teams: [team],
      sessions: new Map([[sessionId, { userId: owner, outcome: "paid", teamId }]]),
      paidSessions: new Map([[sessionId, 50_000]]),
    };
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  /**
   * The violations while `corrupt` holds. `recount`: the limited member's running totals follow it (the
   * corruption is of the spend itself, as a gate that let it through would leave it).
   */
  async function violationsWhile(
    corrupt: string,
    restore: string,
    exp = expected,
    { recount = false } = {},
  ): Promise<string[]> {
    const follow = () => (recount ? recountMemberUse(t.db, teamId, team.limitedId!) : Promise.resolve());
    await sql.query(corrupt);
    await follow();
    try {
      return await teamViolations(sql, exp);
    } finally {
      await sql.query(restore);
      await follow();
    }
  }

  it("a consistent run has no violations", async () => {
    expect(await teamViolations(sql, expected)).toEqual([]);
  });

  it("a pool whose balance or held drifted from its ledger and holds, or that is overdrawn (invariants.ts)", async () => {
    expect(await poolViolations(sql, [teamId])).toEqual([]);
    await sql.query(`UPDATE "Team" SET balance = balance + 1`);
    expect(await poolViolations(sql, [teamId])).toEqual([`team ${teamId}: balance 49971 ≠ ledger 49970`]);
    await sql.query(`UPDATE "Team" SET balance = balance - 1, "heldCredits" = 50000`);
    expect(await poolViolations(sql, [teamId])).toEqual([
      `team ${teamId}: held 50000 ≠ active holds 0`,
      `team ${teamId}: spendable -30 < 0 (overdrawn)`,
    ]);
    await sql.query(`UPDATE "Team" SET "heldCredits" = 0`);
    expect(await poolViolations(sql, [teamId, "no-such-team"])).toEqual(["expected 2 teams, found 1"]);
  });

  it("a member over their daily limit today, counting their active holds; another day's spend counts for that day only", async () => {
    const limited = team.limitedId!;
    const spendToday = `INSERT INTO "CreditLedger" (id, "userId", "teamId", amount, "balanceAfter", reason, "refType", "refId")
       VALUES ('over', '${limited}', '${teamId}', -80, 49890, 'chat_usage', 'chat_message', 'over'); UPDATE "Team" SET balance = 49890`;
    const undo = `DELETE FROM "CreditLedger" WHERE id = 'over'; UPDATE "Team" SET balance = 49970`;
    expect(await violationsWhile(spendToday, undo, expected, { recount: true })).toEqual([
      expect.stringMatching(
        new RegExp(`member ${limited}: 110 credits in the day from \\d{4}-\\d{2}-\\d{2}, over the limit of 100`),
      ),
    ]);
    // The same 80 yesterday: under the limit on each day (ISO week and month have no limit here).
    expect(
      await violationsWhile(
        `${spendToday}; UPDATE "CreditLedger" SET "createdAt" = now() - interval '1 day' WHERE id = 'over'`,
        undo,
        expected,
        { recount: true },
      ),
    ).toEqual([]);
    // An active hold of 80 on the pool counts like spend.
    expect(
      await violationsWhile(
        `INSERT INTO "CreditHold" (id, "userId", "teamId", amount, "refType", "refId", "expiresAt")
           VALUES ('held', '${limited}', '${teamId}', 80, 'chat_message', 'held', now() + interval '1 hour');
         UPDATE "Team" SET "heldCredits" = 80`,
        `DELETE FROM "CreditHold" WHERE id = 'held'; UPDATE "Team" SET "heldCredits" = 0`,
        expected,
        { recount: true },
      ),
    ).toEqual([expect.stringMatching(/110 credits in the day from .*, over the limit of 100/)]);
  });

  it("a limited member whose running totals (what the gate checks) differ from their pool rows and holds", async () => {
    const limited = team.limitedId!;
    expect(
      await violationsWhile(
        `UPDATE "TeamMember" SET "spentDay" = "spentDay" - 1, "heldCredits" = 2 WHERE "userId" = '${limited}'`,
        `UPDATE "TeamMember" SET "spentDay" = "spentDay" + 1, "heldCredits" = 0 WHERE "userId" = '${limited}'`,
      ),
    ).toEqual([`team ${teamId}, member ${limited}: totals day/week/month/held 29/30/30/2, ledger 30/30/30/0`]);
  });

  it("a team purchase granted to the wrong balance, twice, never, or logged other than once", async () => {
    expect(
      await violationsWhile(
        `UPDATE "CreditLedger" SET "teamId" = NULL WHERE id = 'grant_pool'`,
        `UPDATE "CreditLedger" SET "teamId" = '${teamId}' WHERE id = 'grant_pool'`,
      ),
    ).toEqual([
      `team session ${sessionId}: granted to pool null by ${team.ownerId}, bought for ${teamId} by ${team.ownerId}`,
    ]);
    expect(
      await violationsWhile(
        `UPDATE "CreditLedger" SET "refId" = 'cs_other' WHERE id = 'grant_pool'`,
        `UPDATE "CreditLedger" SET "refId" = '${sessionId}' WHERE id = 'grant_pool'`,
      ),
    ).toEqual([`paid team session ${sessionId} was never credited`]);
    expect(
      await violationsWhile(
        `DELETE FROM "TeamEvent" WHERE id = 'ev_bought'`,
        `INSERT INTO "TeamEvent" (id, "teamId", "actorId", action) VALUES ('ev_bought', '${teamId}', '${team.ownerId}', 'credits_purchased')`,
      ),
    ).toEqual([`team ${teamId}: 1 paid purchases, 0 credits_purchased events`]);
    expect(await teamViolations(sql, { ...expected, paidSessions: new Map() })).toEqual([
      `unpaid team session ${sessionId} was credited`,
      `team ${teamId}: 0 paid purchases, 1 credits_purchased events`,
    ]);
    expect(
      await violationsWhile(
        `UPDATE "Purchase" SET "teamId" = NULL WHERE id = '${sessionId}'`,
        `UPDATE "Purchase" SET "teamId" = '${teamId}' WHERE id = '${sessionId}'`,
      ),
    ).toEqual([`team session ${sessionId}: purchase recorded for null, bought for ${teamId}`]);
  });

  it("a reply that names one payer and charged another", async () => {
    expect(
      await violationsWhile(
        `UPDATE "Message" SET "paidByTeamId" = NULL WHERE id = '${replyId}'`,
        `UPDATE "Message" SET "paidByTeamId" = '${teamId}' WHERE id = '${replyId}'`,
      ),
    ).toEqual([`reply ${replyId}: says paid by personal, charged to ${teamId}`]);
  });

  it("two owners, a lost member, a refusal by a limit the member does not have", async () => {
    const loose = team.memberIds[1]!;
    expect(
      await violationsWhile(
        `UPDATE "TeamMember" SET role = 'owner' WHERE "userId" = '${loose}'`,
        `UPDATE "TeamMember" SET role = 'member' WHERE "userId" = '${loose}'`,
      ),
    ).toEqual([`team ${teamId}: 2 owners`]);
    const refused = { ...team, limitRefusals: new Map([[loose, 1]]) };
    expect(await teamViolations(sql, { ...expected, teams: [refused] })).toEqual([
      `team ${teamId}: ${loose} refused by a limit it does not reach`,
    ]);
  });

  it("coverage: a run whose pool paid no reply or whose limit never refused proves nothing", async () => {
    expect(await teamCoverageProblems(sql, expected)).toEqual([
      `team ${teamId}: the limited member was never refused by the limit`,
    ]);
    const refused = { ...team, limitRefusals: new Map([[team.limitedId!, 2]]) };
    expect(await teamCoverageProblems(sql, { ...expected, teams: [refused] })).toEqual([]);
  });
});
