/**
 * A team pool with many members, fast: the members (users) and their memberships inserted with
 * generate_series in one transaction, the pool funded through the real `grant()` (so its one ledger
 * row and Team.balance agree from the start). Limits are set per member as the admin's form would.
 */
import type pg from "pg";

import { grant, OPERATOR_REF_TYPE } from "~/server/credits";
import type { Db } from "~/server/database/create-client";

export interface SeedTeamOptions {
  /** Ids of the team, its members and their rows start with this (unique per seeded team). */
  prefix: string;
  members: number;
  credits: number;
  /** Every member's limit per period, in credits; null = none. */
  limits: { day: number | null; week: number | null; month: number | null };
}

export interface SeededTeam {
  teamId: string;
  memberIds: string[];
}

export async function seedTeam(sql: pg.Pool, db: Db, opts: SeedTeamOptions): Promise<SeededTeam> {
  const { prefix, members, limits } = opts;
  const teamId = `${prefix}team`;
  const client = await sql.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "Team" (id, name, balance, "heldCredits", "createdAt", "updatedAt") VALUES ($1, $2, 0, 0, now(), now())`,
      [teamId, `Bench ${prefix}`],
    );
    await client.query(
      `INSERT INTO "User" (id, email, "emailVerified", "createdAt", "updatedAt")
       SELECT $1 || 'm' || g, $1 || 'm' || g || '@example.test', now(), now(), now() FROM generate_series(1, $2::int) g`,
      [prefix, members],
    );
    // The first member owns the team, as its creator would; the rest are plain members.
    await client.query(
      `INSERT INTO "TeamMember" ("teamId", "userId", role, "dailyLimit", "weeklyLimit", "monthlyLimit", "joinedAt", "updatedAt")
       SELECT $1, $2 || 'm' || g, (CASE WHEN g = 1 THEN 'owner' ELSE 'member' END)::"TeamRole", $4, $5, $6, now(), now()
         FROM generate_series(1, $3::int) g`,
      [teamId, prefix, members, limits.day, limits.week, limits.month],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  const memberIds = Array.from({ length: members }, (_, i) => `${prefix}m${i + 1}`);
  await grant(db, {
    userId: memberIds[0]!,
    teamId,
    amount: opts.credits,
    reason: "adjustment",
    refType: OPERATOR_REF_TYPE,
    refId: `${prefix}fund`,
  });
  await sql.query(`ANALYZE "User", "TeamMember", "CreditLedger"`);
  return { teamId, memberIds };
}
