import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";

import { verifyCredentials } from "~/server/auth/credentials";
import { getBalance, grant } from "~/server/credits";
import { RateLimitedError } from "~/server/rate-limit/rate-limit";
import { databaseStore } from "~/server/rate-limit/store";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { ledgerSum } from "../helpers/users";

const PASSWORD = "correct horse battery staple";
let ipCounter = 0;
/** A fresh client address per sign-up so the per-IP sign-up limit is not what these tests measure. */
const anon = (db: TestDb["db"]) => callerFor(db, null, new Headers({ "x-forwarded-for": `10.9.${Math.floor(ipCounter / 200)}.${ipCounter++ % 200}` }));
const email = () => `user-${Math.random().toString(36).slice(2)}@Example.COM`;

describeEachDb("accounts and sign-in", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("sign-up creates the user with the signup bonus exactly once, as one ledger row", async () => {
    const { userId } = await anon(t.db).auth.signUp({ email: email(), password: PASSWORD, name: "Ada" });
    expect(await getBalance(t.db, userId)).toEqual({ balance: 10_000, held: 0, spendable: 10_000 });
    const rows = await t.db.creditLedger.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: "signup_bonus", amount: 10_000, balanceAfter: 10_000, refType: "signup_bonus", refId: userId });
    const user = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
  });

  it("a second sign-up with the same email (any case) fails with CONFLICT and grants nothing", async () => {
    const address = email();
    await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    const before = await snapshot(t.db);
    const error = await anon(t.db).auth.signUp({ email: address.toUpperCase(), password: PASSWORD }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("concurrent sign-ups for one email create one user and one bonus", async () => {
    const address = email();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => anon(t.db).auth.signUp({ email: address, password: PASSWORD })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as TRPCError).code).toBe("CONFLICT");
    const users = await t.db.user.findMany({ where: { email: address.toLowerCase() } });
    expect(users).toHaveLength(1);
    expect(await ledgerSum(t.db, users[0]!.id)).toBe(10_000);
  });

  it.each([
    ["too short", "short1!"],
    ["too easy", "aaaaaaaaaaaa"],
    ["blank", "           "],
  ])("a weak password (%s) is refused with BAD_REQUEST and nothing written", async (_label, password) => {
    const before = await snapshot(t.db);
    const error = await anon(t.db).auth.signUp({ email: email(), password }).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("sign-in accepts the right password and rejects a wrong one or an unknown email alike", async () => {
    const address = email();
    const { userId } = await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    const limits = databaseStore(t.db);
    await expect(verifyCredentials(t.db, { email: address, password: PASSWORD, ip: "10.0.0.1" }, limits)).resolves.toMatchObject({ id: userId });
    await expect(verifyCredentials(t.db, { email: address, password: `${PASSWORD}!`, ip: "10.0.0.1" }, limits)).resolves.toBeNull();
    await expect(verifyCredentials(t.db, { email: `nobody-${address}`, password: PASSWORD, ip: "10.0.0.1" }, limits)).resolves.toBeNull();
  });

  it("sign-in attempts per email are limited, even with the right password", async () => {
    const address = email();
    await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    const limits = databaseStore(t.db);
    for (let i = 0; i < 10; i++) await verifyCredentials(t.db, { email: address, password: "wrong password", ip: `10.1.0.${i}` }, limits);
    await expect(verifyCredentials(t.db, { email: address, password: PASSWORD, ip: "10.1.1.1" }, limits)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("procedures never take a user id from input: each user sees only their own balance and history", async () => {
    const a = await anon(t.db).auth.signUp({ email: email(), password: PASSWORD });
    const b = await anon(t.db).auth.signUp({ email: email(), password: PASSWORD });
    await grant(t.db, { userId: b.userId, amount: 5, reason: "adjustment", refType: "test", refId: `b-${b.userId}` });
    const asA = callerFor(t.db, a.userId);
    expect((await asA.credits.balance()).balance).toBe(10_000);
    const history = await asA.credits.history({ limit: 100 });
    expect(history.items.map((e) => e.refId)).toEqual([a.userId]);
    // A cursor crafted from B's newest row still only pages through A's rows.
    const bRow = await t.db.creditLedger.findFirstOrThrow({ where: { userId: b.userId }, orderBy: { createdAt: "desc" } });
    const crafted = await asA.credits.history({ limit: 100, cursor: `${bRow.createdAt.getTime() + 1}_${bRow.id}` });
    expect(crafted.items.every((e) => e.refId === a.userId)).toBe(true);
  });
});
