import { afterAll, beforeAll, expect, it } from "vitest";

import { verifyCredentials } from "~/server/auth/credentials";
import { InvalidResetLinkError, resetPassword } from "~/server/auth/password-reset";
import { hashToken } from "~/server/auth/tokens";
import { databaseStore } from "~/server/rate-limit/store";

import { snapshot } from "../helpers/db-snapshot";
import { latestMail, tokenOf } from "../helpers/mail";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase for tally";
let n = 0;
const email = () => `reset-${Date.now()}-${n++}@example.test`;
const anon = (db: TestDb["db"]) => callerFor(db, null, fromAddress(`10.47.${Math.floor(n / 200)}.${n++ % 200}`));

describeEachDb("password reset", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  async function account(): Promise<{ address: string; id: string }> {
    const address = email();
    await anon(t.db).auth.signUp({ email: address, password: PASSWORD });
    return { address, id: (await t.db.user.findUniqueOrThrow({ where: { email: address } })).id };
  }
  const canSignIn = async (address: string, password: string) =>
    (await verifyCredentials(t.db, { email: address, password, ip: `10.48.0.${n++ % 200}` }, databaseStore(t.db))) !==
    null;

  it("a reset link works once: the password changes, a second use is refused", async () => {
    const { address } = await account();
    await expect(anon(t.db).auth.requestPasswordReset({ email: address })).resolves.toEqual({ ok: true });
    const mail = await latestMail(t.db, address, "reset_password");
    expect(mail.link).toMatch(/\/auth\/reset\?token=/);
    const token = tokenOf(mail.link);
    // Only the hash is stored.
    expect(await t.db.accountToken.count({ where: { tokenHash: token } })).toBe(0);
    expect(await t.db.accountToken.count({ where: { tokenHash: hashToken(token) } })).toBe(1);

    await expect(anon(t.db).auth.resetPassword({ token, password: NEW_PASSWORD })).resolves.toEqual({ ok: true });
    expect(await canSignIn(address, NEW_PASSWORD)).toBe(true);
    expect(await canSignIn(address, PASSWORD)).toBe(false);
    await expect(
      anon(t.db).auth.resetPassword({ token, password: "yet another fine passphrase" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await canSignIn(address, NEW_PASSWORD)).toBe(true);
  });

  it("two concurrent uses of one link: exactly one succeeds", async () => {
    const { address } = await account();
    await anon(t.db).auth.requestPasswordReset({ email: address });
    const token = tokenOf((await latestMail(t.db, address, "reset_password")).link);
    const results = await Promise.allSettled([
      resetPassword(t.db, token, NEW_PASSWORD),
      resetPassword(t.db, token, "the other tabs passphrase"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
      expect.any(InvalidResetLinkError),
    ]);
  });

  it("an expired link is refused and changes nothing", async () => {
    const { address, id } = await account();
    await anon(t.db).auth.requestPasswordReset({ email: address });
    const token = tokenOf((await latestMail(t.db, address, "reset_password")).link);
    await t.db.accountToken.updateMany({
      where: { userId: id, purpose: "reset_password" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(resetPassword(t.db, token, NEW_PASSWORD)).rejects.toBeInstanceOf(InvalidResetLinkError);
    expect(await canSignIn(address, PASSWORD)).toBe(true);
  });

  it("a link is bound to its purpose, its user and their email: a verification link, another user's or an outdated one reset nothing", async () => {
    const a = await account();
    const b = await account();
    const verifyToken = tokenOf((await latestMail(t.db, a.address, "verify_email")).link);
    await expect(resetPassword(t.db, verifyToken, NEW_PASSWORD)).rejects.toBeInstanceOf(InvalidResetLinkError);

    await anon(t.db).auth.requestPasswordReset({ email: b.address });
    const bToken = tokenOf((await latestMail(t.db, b.address, "reset_password")).link);
    await resetPassword(t.db, bToken, NEW_PASSWORD);
    expect(await canSignIn(a.address, PASSWORD)).toBe(true); // B's link only ever touches B

    await anon(t.db).auth.requestPasswordReset({ email: a.address });
    const aToken = tokenOf((await latestMail(t.db, a.address, "reset_password")).link);
    await t.db.user.update({ where: { id: a.id }, data: { email: `moved-${a.address}` } });
    await expect(resetPassword(t.db, aToken, NEW_PASSWORD)).rejects.toBeInstanceOf(InvalidResetLinkError);
  });

  it("a newer link replaces an older one", async () => {
    const { address } = await account();
    await anon(t.db).auth.requestPasswordReset({ email: address });
    const first = tokenOf((await latestMail(t.db, address, "reset_password")).link);
    await anon(t.db).auth.requestPasswordReset({ email: address });
    await expect(resetPassword(t.db, first, NEW_PASSWORD)).rejects.toBeInstanceOf(InvalidResetLinkError);
  });

  it("asking for a reset answers the same for an unknown email, and mails nothing", async () => {
    const before = await t.db.mailOutbox.count();
    const snap = await snapshot(t.db);
    await expect(anon(t.db).auth.requestPasswordReset({ email: `nobody-${email()}` })).resolves.toEqual({ ok: true });
    expect(await t.db.mailOutbox.count()).toBe(before);
    expect(await snapshot(t.db)).toEqual(snap);
  });

  it("a weak new password is refused before the link is used", async () => {
    const { address } = await account();
    await anon(t.db).auth.requestPasswordReset({ email: address });
    const token = tokenOf((await latestMail(t.db, address, "reset_password")).link);
    await expect(anon(t.db).auth.resetPassword({ token, password: "password1234" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(anon(t.db).auth.resetPassword({ token, password: NEW_PASSWORD })).resolves.toEqual({ ok: true });
  });

  it("changing the password needs the current one", async () => {
    const { address, id } = await account();
    const caller = callerFor(t.db, id, fromAddress("10.49.0.1"));
    await expect(
      caller.auth.changePassword({ currentPassword: "not my password", password: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.auth.changePassword({ currentPassword: PASSWORD, password: NEW_PASSWORD })).resolves.toEqual({
      ok: true,
    });
    expect(await canSignIn(address, NEW_PASSWORD)).toBe(true);
  });
});
