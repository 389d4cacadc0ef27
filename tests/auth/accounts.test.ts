import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";

import { verifyCredentials } from "~/server/auth/credentials";
import { slowDownMs } from "~/server/auth/sign-in-limits";
import { verifyEmail } from "~/server/auth/verification";
import { getBalance, grant } from "~/server/credits";
import { RateLimitedError } from "~/server/rate-limit/rate-limit";
import { databaseStore } from "~/server/rate-limit/store";

import { signUpVerified } from "../helpers/accounts";
import { snapshot } from "../helpers/db-snapshot";
import { latestMail, tokenOf } from "../helpers/mail";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";
import { ledgerSum } from "../helpers/users";

const PASSWORD = "correct horse battery staple";
let ipCounter = 0;
/** A fresh client address per sign-up so the per-IP sign-up limit is not what these tests measure. */
const anon = (db: TestDb["db"]) =>
  callerFor(db, null, fromAddress(`10.9.${Math.floor(ipCounter / 200)}.${ipCounter++ % 200}`));
const email = () => `user-${Math.random().toString(36).slice(2)}@Example.COM`;
/** Signs up through the API (whose answer never says whether the email was new) and returns the account's id. */
async function signUp(db: TestDb["db"], input: { email: string; password: string; name?: string }): Promise<string> {
  expect(await anon(db).auth.signUp(input)).toEqual({ ok: true });
  return (await db.user.findUniqueOrThrow({ where: { email: input.email.toLowerCase() } })).id;
}

describeEachDb("accounts and sign-in", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("sign-up creates the user with no credits yet; verifying grants the signup bonus exactly once, as one ledger row", async () => {
    const address = email();
    const userId = await signUp(t.db, { email: address, password: PASSWORD, name: "Ada" });
    expect(await getBalance(t.db, userId)).toEqual({ balance: 0, held: 0, spendable: 0 });
    expect(await t.db.creditLedger.count({ where: { userId } })).toBe(0);
    await verifyEmail(t.db, tokenOf((await latestMail(t.db, address, "verify_email")).link));
    expect(await getBalance(t.db, userId)).toEqual({ balance: 10_000, held: 0, spendable: 10_000 });
    const rows = await t.db.creditLedger.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: "signup_bonus",
      amount: 10_000,
      balanceAfter: 10_000,
      refType: "signup_bonus",
      refId: userId,
    });
    const user = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
  });

  it("a second sign-up with the same email (any case) answers exactly like a new one, and changes nothing", async () => {
    const address = email();
    const fresh = await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    const before = await snapshot(t.db);
    const again = await anon(t.db).auth.signUp({
      email: address.toUpperCase(),
      password: "another strong passphrase here",
    });
    expect(again).toEqual(fresh);
    expect(await snapshot(t.db)).toEqual(before);
    // The owner hears about it instead of the person signing up.
    expect((await latestMail(t.db, address, "account_exists")).link).toMatch(/\/auth\/reset$/);
    await expect(
      verifyCredentials(t.db, { email: address, password: PASSWORD, ip: "10.0.0.9" }, databaseStore(t.db)),
    ).resolves.not.toBeNull();
  });

  it("concurrent sign-ups for one email create one user and one verification mail, and all answer alike", async () => {
    const address = email();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => anon(t.db).auth.signUp({ email: address, password: PASSWORD })),
    );
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : r.reason))).toEqual(
      Array.from({ length: 8 }, () => ({ ok: true })),
    );
    const users = await t.db.user.findMany({ where: { email: address.toLowerCase() } });
    expect(users).toHaveLength(1);
    expect(await ledgerSum(t.db, users[0]!.id)).toBe(0);
    expect(await t.db.mailOutbox.count({ where: { to: address.toLowerCase(), template: "verify_email" } })).toBe(1);
  });

  it.each([
    ["too short", "short1!"],
    ["too easy", "aaaaaaaaaaaa"],
    ["blank", "           "],
    ["a common password", "password1234"],
    ["a keyboard walk", "qwertyuiop123"],
  ])("a weak password (%s) is refused with BAD_REQUEST and nothing written", async (_label, password) => {
    const before = await snapshot(t.db);
    const error = await anon(t.db)
      .auth.signUp({ email: email(), password })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("sign-in accepts the right password and rejects a wrong one or an unknown email alike", async () => {
    const address = email();
    const userId = await signUp(t.db, { email: address, password: PASSWORD });
    const limits = databaseStore(t.db);
    await expect(
      verifyCredentials(t.db, { email: address, password: PASSWORD, ip: "10.0.0.1" }, limits),
    ).resolves.toMatchObject({ id: userId });
    await expect(
      verifyCredentials(t.db, { email: address, password: `${PASSWORD}!`, ip: "10.0.0.1" }, limits),
    ).resolves.toBeNull();
    await expect(
      verifyCredentials(t.db, { email: `nobody-${address}`, password: PASSWORD, ip: "10.0.0.1" }, limits),
    ).resolves.toBeNull();
  });

  it("a guesser is stopped at their address, and their guesses do not lock the owner out elsewhere", async () => {
    const address = email();
    const userId = await signUp(t.db, { email: address, password: PASSWORD });
    const limits = databaseStore(t.db);
    for (let i = 0; i < 10; i++)
      await verifyCredentials(t.db, { email: address, password: `wrong password ${i}`, ip: "192.0.2.66" }, limits);
    // The attacker's address is now refused for this email, even with the right password...
    await expect(
      verifyCredentials(t.db, { email: address, password: PASSWORD, ip: "192.0.2.66" }, limits),
    ).rejects.toBeInstanceOf(RateLimitedError);
    // ...while the owner, from their own address, signs in (slowed down, never locked out).
    const waits: number[] = [];
    const owner = await verifyCredentials(
      t.db,
      { email: address, password: PASSWORD, ip: "198.51.100.1" },
      limits,
      async (ms) => void waits.push(ms),
    );
    expect(owner).toMatchObject({ id: userId });
    expect(waits).toEqual([slowDownMs(11)]);
    expect(waits[0]).toBeGreaterThan(0);
  });

  it("guesses spread over many addresses only slow one email down, up to its much higher ceiling", () => {
    expect(slowDownMs(1)).toBe(0);
    expect(slowDownMs(10)).toBe(0);
    expect(slowDownMs(11)).toBeGreaterThan(0);
    expect(slowDownMs(50)).toBeGreaterThan(slowDownMs(11));
    expect(slowDownMs(10_000)).toBeLessThanOrEqual(3_000);
  });

  it("sign-in answers the same for an unknown email, a wrong password and an account without one", async () => {
    const address = email();
    await signUp(t.db, { email: address, password: PASSWORD });
    const oauthOnly = await t.db.user.create({ data: { email: `oauth-${address}`.toLowerCase() } });
    const limits = databaseStore(t.db);
    const outcomes = await Promise.all([
      verifyCredentials(t.db, { email: address, password: "wrong but plausible", ip: "10.3.0.1" }, limits),
      verifyCredentials(t.db, { email: `nobody-${address}`, password: "wrong but plausible", ip: "10.3.0.2" }, limits),
      verifyCredentials(t.db, { email: oauthOnly.email!, password: "wrong but plausible", ip: "10.3.0.3" }, limits),
    ]);
    expect(outcomes).toEqual([null, null, null]);
  });

  it("procedures never take a user id from input: each user sees only their own balance and history", async () => {
    const a = { userId: await signUpVerified(t.db, fromAddress("10.9.250.1"), { email: email(), password: PASSWORD }) };
    const b = { userId: await signUpVerified(t.db, fromAddress("10.9.250.2"), { email: email(), password: PASSWORD }) };
    await grant(t.db, {
      userId: b.userId,
      amount: 5,
      reason: "adjustment",
      refType: "operator",
      refId: `b-${b.userId}`,
    });
    const asA = callerFor(t.db, a.userId);
    expect((await asA.credits.balance()).balance).toBe(10_000);
    const history = await asA.credits.history({ limit: 100 });
    expect(history.items.map((e) => e.refId)).toEqual([a.userId]);
    // A cursor crafted from B's newest row still only pages through A's rows.
    const bRow = await t.db.creditLedger.findFirstOrThrow({
      where: { userId: b.userId },
      orderBy: { createdAt: "desc" },
    });
    const crafted = await asA.credits.history({ limit: 100, cursor: `${bRow.createdAt.getTime() + 1}_${bRow.id}` });
    expect(crafted.items.every((e) => e.refId === a.userId)).toBe(true);
  });
});
