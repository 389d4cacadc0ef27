/**
 * The team invariants of a load run, in plain SQL against what the harness did and the emulator
 * says was paid: no member over a limit in any day/week/month (and the running totals the gate checks
 * equal the ledger's), each team purchase granted once to
 * its pool (and logged once), every reply charged to the balance it says paid it, one owner per team,
 * and only limited members refused by a limit. (A pool's sums — balance == Σ ledger, held == Σ active
 * holds, never overdrawn — are invariants.ts's poolViolations, with every user's.) Each returns
 * human-readable violations; an empty list means the invariant holds.
 */
import type pg from "pg";

import { CHAT_REF_TYPE, CHECKOUT_REF_TYPE } from "~/server/credits/ref-types";

import { describeOverrun, limitOverruns, memberTotalMismatches } from "../../bench/lib/pool-checks";
import type { LoadTeam } from "./team-traffic";
import type { OpenedSession } from "./traffic";

type Sql = Pick<pg.Pool, "query">;

export interface TeamExpectations {
  teams: LoadTeam[];
  /** Every Checkout Session the harness opened (personal ones are ignored here). */
  sessions: Map<string, OpenedSession>;
  /** Sessions the emulator reported as paid, with the credits of their pack. */
  paidSessions: Map<string, number>;
}

async function purchaseViolations(sql: Sql, expected: TeamExpectations): Promise<string[]> {
  const violations: string[] = [];
  const teamSessions = [...expected.sessions].filter(([, s]) => s.teamId);
  const ids = teamSessions.map(([id]) => id);
  const rows = await sql.query<{
    refId: string;
    rows: string;
    teamIds: (string | null)[];
    userIds: string[];
    amount: string;
  }>(
    `SELECT "refId", COUNT(*) AS rows, ARRAY_AGG("teamId") AS "teamIds", ARRAY_AGG("userId") AS "userIds", SUM(amount) AS amount
       FROM "CreditLedger" WHERE "refType" = $1 AND "refId" = ANY($2) GROUP BY "refId"`,
    [CHECKOUT_REF_TYPE, ids],
  );
  const purchases = await sql.query<{ sessionId: string; teamId: string | null }>(
    `SELECT id AS "sessionId", "teamId" FROM "Purchase" WHERE id = ANY($1)`,
    [ids],
  );
  const ledgerOf = new Map(rows.rows.map((r) => [r.refId, r]));
  const purchaseOf = new Map(purchases.rows.map((p) => [p.sessionId, p]));
  for (const [sessionId, opened] of teamSessions) {
    const purchase = purchaseOf.get(sessionId);
    if (purchase?.teamId !== opened.teamId)
      violations.push(
        `team session ${sessionId}: purchase recorded for ${purchase ? purchase.teamId : "nobody"}, bought for ${opened.teamId}`,
      );
    const ledger = ledgerOf.get(sessionId);
    const credits = expected.paidSessions.get(sessionId);
    if (credits === undefined) {
      if (ledger) violations.push(`unpaid team session ${sessionId} was credited`);
      continue;
    }
    if (!ledger) violations.push(`paid team session ${sessionId} was never credited`);
    else if (Number(ledger.rows) !== 1 || Number(ledger.amount) !== credits)
      violations.push(
        `team session ${sessionId}: ${ledger.rows} grants totalling ${ledger.amount} (expected 1 of ${credits})`,
      );
    else if (ledger.teamIds[0] !== opened.teamId || ledger.userIds[0] !== opened.userId)
      violations.push(
        `team session ${sessionId}: granted to pool ${ledger.teamIds[0]} by ${ledger.userIds[0]}, bought for ${opened.teamId} by ${opened.userId}`,
      );
  }
  // The audit log names each purchase once, whichever of webhook, duplicates and confirm credited it.
  const events = await sql.query<{ teamId: string; n: string }>(
    `SELECT "teamId", COUNT(*) AS n FROM "TeamEvent" WHERE action = 'credits_purchased' AND "teamId" = ANY($1) GROUP BY "teamId"`,
    [expected.teams.map((t) => t.teamId)],
  );
  const eventsOf = new Map(events.rows.map((e) => [e.teamId, Number(e.n)]));
  for (const team of expected.teams) {
    const paid = teamSessions.filter(([id, s]) => s.teamId === team.teamId && expected.paidSessions.has(id)).length;
    const logged = eventsOf.get(team.teamId) ?? 0;
    if (logged !== paid)
      violations.push(`team ${team.teamId}: ${paid} paid purchases, ${logged} credits_purchased events`);
  }
  return violations;
}

/** Every reply of the teams' people is charged to the balance its message names (paidByTeamId), and only there. */
async function payerViolations(sql: Sql, teams: LoadTeam[]): Promise<string[]> {
  const userIds = teams.flatMap((t) => [t.ownerId, ...t.memberIds]);
  const r = await sql.query<{ id: string; paidBy: string | null; charged: string | null }>(
    `SELECT m.id, m."paidByTeamId" AS "paidBy", l."teamId" AS charged
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
       JOIN "CreditLedger" l ON l."refType" = $1 AND l."refId" = m.id
      WHERE m.role = 'assistant' AND c."userId" = ANY($2) AND m."paidByTeamId" IS DISTINCT FROM l."teamId"`,
    [CHAT_REF_TYPE, userIds],
  );
  return r.rows.map(
    (m) => `reply ${m.id}: says paid by ${m.paidBy ?? "personal"}, charged to ${m.charged ?? "personal"}`,
  );
}

async function membershipViolations(sql: Sql, teams: LoadTeam[]): Promise<string[]> {
  const r = await sql.query<{ teamId: string; owners: string; members: string }>(
    `SELECT "teamId", COUNT(*) FILTER (WHERE role = 'owner') AS owners, COUNT(*) AS members
       FROM "TeamMember" WHERE "teamId" = ANY($1) GROUP BY "teamId"`,
    [teams.map((t) => t.teamId)],
  );
  const of = new Map(r.rows.map((row) => [row.teamId, row]));
  const violations: string[] = [];
  for (const team of teams) {
    const row = of.get(team.teamId);
    if (Number(row?.owners ?? 0) !== 1) violations.push(`team ${team.teamId}: ${row?.owners ?? 0} owners`);
    if (Number(row?.members ?? 0) !== 1 + team.memberIds.length)
      violations.push(`team ${team.teamId}: ${row?.members ?? 0} members, expected ${1 + team.memberIds.length}`);
    for (const userId of team.limitRefusals.keys())
      if (userId !== team.limitedId)
        violations.push(`team ${team.teamId}: ${userId} refused by a limit it does not reach`);
  }
  return violations;
}

export async function teamViolations(sql: Sql, expected: TeamExpectations): Promise<string[]> {
  const teamIds = expected.teams.map((t) => t.teamId);
  if (teamIds.length === 0) return [];
  return [
    ...(await limitOverruns(sql, teamIds)).map(describeOverrun),
    ...(await memberTotalMismatches(sql, teamIds)),
    ...(await purchaseViolations(sql, expected)),
    ...(await payerViolations(sql, expected.teams)),
    ...(await membershipViolations(sql, expected.teams)),
  ];
}

/** What a run must have done for the team checks to prove anything (a problem, not a violation, when missing). */
export async function teamCoverageProblems(sql: Sql, expected: TeamExpectations): Promise<string[]> {
  const problems: string[] = [];
  for (const team of expected.teams) {
    const r = await sql.query<{ spends: string }>(
      `SELECT COUNT(*) AS spends FROM "CreditLedger" WHERE "teamId" = $1 AND reason = 'chat_usage'`,
      [team.teamId],
    );
    if (Number(r.rows[0]!.spends) === 0) problems.push(`team ${team.teamId}: no reply was paid by the pool`);
    if (team.limitedId && !team.limitRefusals.get(team.limitedId))
      problems.push(`team ${team.teamId}: the limited member was never refused by the limit`);
  }
  return problems;
}
