import { afterAll, beforeAll, expect, it } from "vitest";

import { createAccount } from "~/server/auth/accounts";
import { verifyEmail } from "~/server/auth/verification";
import { getBalance } from "~/server/credits";

import { latestMail, tokenOf } from "../helpers/mail";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";

const PASSWORD = "correct horse battery staple";
let n = 0;
const email = () => `verify-${Date.now()}-${n++}@example.test`;
const anon = (db: TestDb["db"]) => callerFor(db, null, fromAddress(`10.44.${Math.floor(n / 200)}.${n % 200}`));

describeEachDb("email verification before the signup bonus", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  async function signUp(address: string): Promise<string> {
    await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    return (await t.db.user.findUniqueOrThrow({ where: { email: address } })).id;
  }

  it("a new email account gets no credits until it verifies, then exactly the bonus", async () => {
    const address = email();
    const userId = await signUp(address);
    expect(await getBalance(t.db, userId)).toEqual({ balance: 0, held: 0, spendable: 0 });
    expect(await callerFor(t.db, userId).auth.status()).toEqual({ email: address, verified: false, bonus: 10_000 });

    const mail = await latestMail(t.db, address, "verify_email");
    expect(mail.link).toMatch(/\/auth\/verify\?token=/);
    await expect(anon(t.db).auth.verifyEmail({ token: tokenOf(mail.link) })).resolves.toEqual({ status: "verified" });

    expect(await getBalance(t.db, userId)).toEqual({ balance: 10_000, held: 0, spendable: 10_000 });
    expect(await t.db.creditLedger.findMany({ where: { userId } })).toEqual([
      expect.objectContaining({ reason: "signup_bonus", amount: 10_000, refType: "signup_bonus", refId: userId }),
    ]);
    expect((await callerFor(t.db, userId).auth.status()).verified).toBe(true);
  });

  it("the link clicked twice answers verified both times and grants one bonus", async () => {
    const address = email();
    const userId = await signUp(address);
    const token = tokenOf((await latestMail(t.db, address, "verify_email")).link);
    expect(await verifyEmail(t.db, token)).toBe("verified");
    expect(await verifyEmail(t.db, token)).toBe("verified");
    expect(await t.db.creditLedger.count({ where: { userId } })).toBe(1);
    expect((await getBalance(t.db, userId)).balance).toBe(10_000);
  });

  it("the link opened in several tabs at once grants one bonus", async () => {
    const address = email();
    const userId = await signUp(address);
    const token = tokenOf((await latestMail(t.db, address, "verify_email")).link);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => verifyEmail(t.db, token)));
    expect(outcomes).toEqual(Array.from({ length: 6 }, () => "verified"));
    expect(await t.db.creditLedger.count({ where: { userId } })).toBe(1);
    expect((await getBalance(t.db, userId)).balance).toBe(10_000);
  });

  it("a resent link replaces the old one; an unknown or malformed token verifies nothing", async () => {
    const address = email();
    const userId = await signUp(address);
    const first = tokenOf((await latestMail(t.db, address, "verify_email")).link);
    await expect(callerFor(t.db, userId, fromAddress("10.45.0.1")).auth.resendVerification()).resolves.toEqual({
      status: "sent",
    });
    const second = tokenOf((await latestMail(t.db, address, "verify_email")).link);
    expect(second).not.toBe(first);
    expect(await verifyEmail(t.db, first)).toBe("invalid");
    expect(await verifyEmail(t.db, "x".repeat(43))).toBe("invalid");
    await expect(anon(t.db).auth.verifyEmail({ token: "../../etc" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await getBalance(t.db, userId)).balance).toBe(0);
    expect(await verifyEmail(t.db, second)).toBe("verified");
    expect((await getBalance(t.db, userId)).balance).toBe(10_000);
  });

  it("resending is rate-limited", async () => {
    const userId = await signUp(email());
    const caller = callerFor(t.db, userId, fromAddress(`10.46.0.${kind.length}`));
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await caller.auth.resendVerification().then(
          () => "OK",
          (e: { code: string }) => e.code,
        ),
      );
    expect(outcomes).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
  });

  it("a verification link stops counting when the account's email changed since it was sent", async () => {
    const address = email();
    const userId = await signUp(address);
    const token = tokenOf((await latestMail(t.db, address, "verify_email")).link);
    await t.db.user.update({ where: { id: userId }, data: { email: `changed-${address}` } });
    expect(await verifyEmail(t.db, token)).toBe("invalid");
    expect((await getBalance(t.db, userId)).balance).toBe(0);
  });

  it("an OAuth account whose provider verified the email gets the bonus at once, and no verification mail", async () => {
    const address = email();
    const user = await createAccount(t.db, { email: address, emailVerified: new Date() });
    expect((await getBalance(t.db, user.id)).balance).toBe(10_000);
    expect(await t.db.mailOutbox.count({ where: { to: address } })).toBe(0);
  });

  it("an OAuth account without a verified email waits for the link like an email sign-up", async () => {
    const address = email();
    const user = await createAccount(t.db, { email: address, emailVerified: null });
    expect((await getBalance(t.db, user.id)).balance).toBe(0);
    expect(await verifyEmail(t.db, tokenOf((await latestMail(t.db, address, "verify_email")).link))).toBe("verified");
    expect((await getBalance(t.db, user.id)).balance).toBe(10_000);
  });
});
