/**
 * The money invariants a load run must leave intact, checked with plain SQL on the run's
 * database. Each returns human-readable violations; an empty list means the invariant holds.
 */
import type pg from "pg";

import { CHAT_REF_TYPE, CHECKOUT_REF_TYPE } from "~/server/credits/ref-types";

import { poolMismatches } from "../../bench/lib/ledger-checks";
import { overdrawnPools } from "../../bench/lib/pool-checks";

export { CHAT_REF_TYPE, CHECKOUT_REF_TYPE };

export interface LoadExpectations {
  userIds: string[];
  /** Sessions the emulator reported as paid, with the credits of their pack. */
  paidSessions: Map<string, number>;
  /** Sessions opened but never paid (abandoned or declined): must credit nothing. */
  unpaidSessions: string[];
  signupBonus: number;
  /** Team pools the run spent from: each must keep balance == Σ its ledger and held == Σ its active holds. */
  teamIds?: string[];
}

type Sql = Pick<pg.Pool, "query">;

/** Replies still streaming plus holds still active: 0 once every reply has settled. */
export async function unsettledCount(sql: Sql): Promise<number> {
  const r = await sql.query<{ n: string }>(
    `SELECT (SELECT COUNT(*) FROM "CreditHold" WHERE status = 'active') + (SELECT COUNT(*) FROM "Message" WHERE status = 'streaming') AS n`,
  );
  return Number(r.rows[0]!.n);
}

export async function invariantViolations(sql: Sql, expected: LoadExpectations): Promise<string[]> {
  const violations: string[] = [];
  const users = await sql.query<{
    id: string;
    balance: number;
    held: number;
    ledger: string | null;
    active: string | null;
    bonuses: string;
  }>(
    `SELECT u.id, u.balance, u."heldCredits" AS held,
            (SELECT SUM(amount) FROM "CreditLedger" l WHERE l."userId" = u.id AND l."teamId" IS NULL) AS ledger,
            (SELECT SUM(amount) FROM "CreditHold" h
              WHERE h."userId" = u.id AND h."teamId" IS NULL AND h.status = 'active') AS active,
            (SELECT COUNT(*) FROM "CreditLedger" l WHERE l."userId" = u.id AND l.reason = 'signup_bonus') AS bonuses
       FROM "User" u WHERE u.id = ANY($1)`,
    [expected.userIds],
  );
  if (users.rows.length !== expected.userIds.length)
    violations.push(`expected ${expected.userIds.length} users, found ${users.rows.length}`);
  for (const u of users.rows) {
    if (Number(u.ledger ?? 0) !== Number(u.balance))
      violations.push(`user ${u.id}: balance ${u.balance} != sum(ledger) ${u.ledger ?? 0}`);
    if (Number(u.active ?? 0) !== Number(u.held))
      violations.push(`user ${u.id}: held ${u.held} != sum(active holds) ${u.active ?? 0}`);
    if (Number(u.balance) - Number(u.held) < 0)
      violations.push(`user ${u.id}: negative spendable balance ${Number(u.balance) - Number(u.held)}`);
    if (expected.signupBonus > 0 && Number(u.bonuses) !== 1)
      violations.push(`user ${u.id}: ${u.bonuses} signup bonus rows`);
  }
  violations.push(...(await poolViolations(sql, expected.teamIds ?? [])));

  const checkoutRows = await sql.query<{ refId: string; rows: string; amount: string }>(
    `SELECT "refId", COUNT(*) AS rows, SUM(amount) AS amount FROM "CreditLedger" WHERE "refType" = $1 GROUP BY "refId"`,
    [CHECKOUT_REF_TYPE],
  );
  const credited = new Map(checkoutRows.rows.map((r) => [r.refId, { rows: Number(r.rows), amount: Number(r.amount) }]));
  for (const [sessionId, credits] of expected.paidSessions) {
    const c = credited.get(sessionId);
    if (!c) violations.push(`paid session ${sessionId} was never credited`);
    else if (c.rows !== 1 || c.amount !== credits)
      violations.push(
        `paid session ${sessionId}: ${c.rows} ledger rows totalling ${c.amount} (expected 1 row of ${credits})`,
      );
  }
  for (const sessionId of expected.unpaidSessions) {
    if (credited.has(sessionId)) violations.push(`unpaid session ${sessionId} was credited`);
  }
  for (const sessionId of credited.keys()) {
    if (!expected.paidSessions.has(sessionId) && !expected.unpaidSessions.includes(sessionId))
      violations.push(`credited session ${sessionId} that nobody paid`);
  }

  // Every reply settled: nothing still held or streaming, and each message's charge is its one ledger row.
  const stuck = await sql.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "CreditHold" WHERE status = 'active' AND "userId" = ANY($1)`,
    [expected.userIds],
  );
  if (Number(stuck.rows[0]?.n ?? 0) > 0) violations.push(`${stuck.rows[0]!.n} holds still active after the run`);
  const charges = await sql.query<{ id: string; charged: number | null; ledger: string | null; rows: string }>(
    `SELECT m.id, m."creditsCharged" AS charged,
            (SELECT SUM(-amount) FROM "CreditLedger" l WHERE l."refType" = $1 AND l."refId" = m.id) AS ledger,
            (SELECT COUNT(*) FROM "CreditLedger" l WHERE l."refType" = $1 AND l."refId" = m.id) AS rows
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
      WHERE m.role = 'assistant' AND c."userId" = ANY($2)`,
    [CHAT_REF_TYPE, expected.userIds],
  );
  for (const m of charges.rows) {
    if (Number(m.rows) > 1) violations.push(`reply ${m.id}: charged in ${m.rows} ledger rows`);
    if (Number(m.charged ?? 0) !== Number(m.ledger ?? 0))
      violations.push(`reply ${m.id}: message says ${m.charged ?? 0} credits, ledger says ${m.ledger ?? 0}`);
  }
  const streaming = await sql.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE m.status = 'streaming' AND c."userId" = ANY($1)`,
    [expected.userIds],
  );
  if (Number(streaming.rows[0]?.n ?? 0) > 0)
    violations.push(`${streaming.rows[0]!.n} replies still "streaming" after the run`);
  return violations;
}

/** A pool's sums: balance == Σ its ledger rows, heldCredits == Σ its active holds, spendable never below zero (the bench's checks). */
export async function poolViolations(sql: Sql, teamIds: string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  return [...(await poolMismatches(sql, teamIds)), ...(await overdrawnPools(sql, teamIds))];
}
