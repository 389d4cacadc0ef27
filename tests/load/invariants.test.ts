import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { fulfilCheckoutSession } from "~/server/billing";
import { grant, reserve } from "~/server/credits";

import { checkoutSession, soldSession } from "../billing/stripe-fixtures";
import { createTestDb, testDbKinds, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { invariantViolations, type LoadExpectations } from "./invariants";

// The load run (scripts/load-invariants.ts) is only as good as these checks: each must fire on the corruption it names.
describe.runIf(testDbKinds().includes("postgres"))("load-run invariant checks", () => {
  let t: TestDb;
  let sql: pg.Pool;
  let expected: LoadExpectations;
  let userId: string;
  let paidId: string;
  let unpaidId: string;

  beforeAll(async () => {
    t = await createTestDb("postgres");
    sql = new pg.Pool({ connectionString: t.url, max: 2 });
    const u = await createUser(t.db);
    userId = u.id;
    await grant(t.db, { userId, amount: 10_000, reason: "signup_bonus", refType: "signup_bonus", refId: userId });
    const paid = await soldSession(t.db, userId, "pro");
    await fulfilCheckoutSession(t.db, paid);
    paidId = paid.id;
    unpaidId = checkoutSession(userId).id;
    expected = {
      userIds: [userId],
      paidSessions: new Map([[paidId, 200_000]]),
      unpaidSessions: [unpaidId],
      signupBonus: 10_000,
    };
  });
  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  /** Applies `corrupt`, returns the violations found, then restores the database with `restore`. */
  async function violationsWhile(
    corrupt: string,
    restore: string,
    exp: LoadExpectations = expected,
  ): Promise<string[]> {
    await sql.query(corrupt);
    try {
      return await invariantViolations(sql, exp);
    } finally {
      await sql.query(restore);
    }
  }

  it("a consistent database has no violations", async () => {
    expect(await invariantViolations(sql, expected)).toEqual([]);
  });

  it("a balance that drifted from its ledger", async () => {
    const found = await violationsWhile(
      `UPDATE "User" SET balance = balance + 1`,
      `UPDATE "User" SET balance = balance - 1`,
    );
    expect(found).toEqual([expect.stringMatching(/balance 210001 != sum\(ledger\) 210000/)]);
  });

  it("held credits beyond the balance (negative spendable) and not backed by holds", async () => {
    const found = await violationsWhile(
      `UPDATE "User" SET "heldCredits" = balance + 5`,
      `UPDATE "User" SET "heldCredits" = 0`,
    );
    expect(found).toEqual([
      expect.stringMatching(/held 210005 != sum\(active holds\) 0/),
      expect.stringMatching(/negative spendable balance -5/),
    ]);
  });

  it("paid but never credited; credited but never paid; an unpaid session credited", async () => {
    expect(
      await invariantViolations(sql, {
        ...expected,
        paidSessions: new Map([...expected.paidSessions, ["cs_test_lost", 50_000]]),
      }),
    ).toEqual(["paid session cs_test_lost was never credited"]);
    expect(await invariantViolations(sql, { ...expected, paidSessions: new Map() })).toEqual([
      `credited session ${paidId} that nobody paid`,
    ]);
    expect(await invariantViolations(sql, { ...expected, paidSessions: new Map(), unpaidSessions: [paidId] })).toEqual([
      `unpaid session ${paidId} was credited`,
    ]);
    expect(await invariantViolations(sql, { ...expected, paidSessions: new Map([[paidId, 50_000]]) })).toEqual([
      `paid session ${paidId}: 1 ledger rows totalling 200000 (expected 1 row of 50000)`,
    ]);
  });

  it("a missing or doubled signup bonus", async () => {
    expect(await invariantViolations(sql, { ...expected, userIds: [userId, "ghost"] })).toEqual([
      "expected 2 users, found 1",
    ]);
    const second = await violationsWhile(
      `INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId") VALUES ('dup-bonus', '${userId}', 0, 210000, 'signup_bonus', 'signup_bonus', 'again')`,
      `DELETE FROM "CreditLedger" WHERE id = 'dup-bonus'`,
    );
    expect(second).toEqual([expect.stringMatching(/2 signup bonus rows/)]);
  });

  it("a reply left unsettled (active hold, message streaming) or charged differently than its ledger row", async () => {
    const conversation = await t.db.conversation.create({ data: { userId, title: "x" } });
    const message = await t.db.message.create({
      data: { conversationId: conversation.id, role: "assistant", content: "", status: "streaming" },
    });
    const hold = await reserve(t.db, {
      userId,
      amount: 100,
      refType: "chat_message",
      refId: message.id,
      ttlSeconds: 60,
    });
    const found = await invariantViolations(sql, expected);
    expect(found).toEqual(["1 holds still active after the run", '1 replies still "streaming" after the run']);
    await t.db.creditHold.delete({ where: { id: hold.id } });
    await t.db.user.update({ where: { id: userId }, data: { heldCredits: 0 } });
    await t.db.message.update({ where: { id: message.id }, data: { status: "complete", creditsCharged: 7 } });
    expect(await invariantViolations(sql, expected)).toEqual([
      `reply ${message.id}: message says 7 credits, ledger says 0`,
    ]);
    await t.db.conversation.delete({ where: { id: conversation.id } });
    expect(await invariantViolations(sql, expected)).toEqual([]);
  });
});
