import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";

import { describeDevice, listSessions } from "~/server/accounts";
import { verifyCredentials } from "~/server/auth/credentials";
import { sessionActive, startSession } from "~/server/auth/sessions";
import { grant, release, reserve } from "~/server/credits";

import { signUpVerified } from "../helpers/accounts";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";
import { ledgerSum } from "../helpers/users";

const PASSWORD = "correct horse battery staple";
const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
let n = 0;
const newEmail = () => `account-${Date.now().toString(36)}-${n++}@example.com`;
const errorCode = (e: unknown) => (e as TRPCError).code;

describeEachDb("account page", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  async function newUser(name = "Ada") {
    const email = newEmail();
    const id = await signUpVerified(t.db, fromAddress(`10.77.0.${n % 250}`), { email, password: PASSWORD, name });
    return { id, email, caller: callerFor(t.db, id, fromAddress("10.77.1.1")) };
  }

  it("shows name and email; edits the display name (trimmed; clearing removes it); bad names are refused and change nothing", async () => {
    const { id, email, caller } = await newUser("Ada");
    expect(await caller.account.profile()).toEqual({ name: "Ada", email, emailVerified: true, hasPassword: true });
    expect(await caller.account.updateName({ name: "  Ada Lovelace  " })).toEqual({ name: "Ada Lovelace" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).name).toBe("Ada Lovelace");
    for (const name of ["x".repeat(81), "two\nlines", "nul\u0000", "", "   "]) {
      await expect(caller.account.updateName({ name })).rejects.toSatisfy((e) => errorCode(e) === "BAD_REQUEST");
    }
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).name).toBe("Ada Lovelace");
    expect(await caller.account.clearName()).toEqual({ name: null });
  });

  it("lists active sessions with device and last seen; revoking one ends exactly that one; foreign ids are NOT_FOUND", async () => {
    const { id, caller } = await newUser();
    const other = await newUser();
    const mac = await startSession(t.db, id, Date.now(), CHROME_MAC);
    const linux = await startSession(t.db, id, Date.now() - 1000, FIREFOX_LINUX);
    const foreign = await startSession(t.db, other.id, Date.now(), CHROME_MAC);

    const sessions = await listSessions(t.db, id, mac);
    expect(sessions.map((s) => [s.browser, s.os, s.current])).toEqual([
      ["Chrome 131", "macOS", true],
      ["Firefox 133", "Linux", false],
    ]);
    expect(sessions[0]!.lastSeenAt).toBeInstanceOf(Date);

    const foreignRow = await t.db.session.findUniqueOrThrow({ where: { sessionToken: foreign } });
    await expect(caller.account.revokeSession({ id: foreignRow.id })).rejects.toSatisfy(
      (e) => errorCode(e) === "NOT_FOUND",
    );
    expect(await sessionActive(t.db, foreign, other.id)).toBe(true);

    await caller.account.revokeSession({ id: sessions[1]!.id });
    expect(await sessionActive(t.db, linux, id)).toBe(false);
    expect(await sessionActive(t.db, mac, id)).toBe(true);
    expect((await caller.account.sessions()).map((s) => s.browser)).toEqual(["Chrome 131"]);
  });

  it("a session that slides forward moves its last-seen time", async () => {
    const { id } = await newUser();
    const start = Date.now() - 2 * 60 * 60 * 1000;
    const sid = await startSession(t.db, id, start, CHROME_MAC);
    expect(await sessionActive(t.db, sid, id, start + 2 * 60 * 60 * 1000)).toBe(true);
    const row = await t.db.session.findUniqueOrThrow({ where: { sessionToken: sid } });
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(start);
    expect(row.createdAt.getTime()).toBe(start);
  });

  it("describes devices from the User-Agent, and says nothing it does not know", () => {
    expect(describeDevice(null)).toEqual({ browser: null, os: null });
    expect(describeDevice("curl/8.5.0")).toMatchObject({ os: null });
  });

  it("deleting with a wrong password deletes nothing", async () => {
    const { id, caller } = await newUser();
    await caller.chat.createConversation({ title: "Keep me" });
    await expect(caller.account.delete({ password: "not my password at all" })).rejects.toSatisfy(
      (e) => errorCode(e) === "BAD_REQUEST",
    );
    await expect(caller.account.delete({})).rejects.toSatisfy((e) => errorCode(e) === "BAD_REQUEST");
    expect(await t.db.conversation.count({ where: { userId: id } })).toBe(1);
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).deletedAt).toBeNull();
  });

  it("deletes conversations, messages, sessions and mail tokens; keeps the ledger and purchases on an anonymised row; sign-in is gone", async () => {
    const { id, email, caller } = await newUser("Grace");
    const conversation = await caller.chat.createConversation({ title: "Private thoughts" });
    await t.db.message.create({ data: { conversationId: conversation.id, role: "user", content: "my secret" } });
    await startSession(t.db, id, Date.now(), CHROME_MAC);
    await t.db.purchase.create({
      data: {
        id: `cs_test_${id}`,
        userId: id,
        packId: "starter",
        credits: 50000,
        amountTotal: 500,
        currency: "usd",
        status: "paid",
      },
    });
    await grant(t.db, {
      userId: id,
      amount: 50000,
      reason: "purchase",
      refType: "stripe_checkout_session",
      refId: `cs_test_${id}`,
    });
    const ledgerRows = await t.db.creditLedger.count({ where: { userId: id } });
    expect(await t.db.accountToken.count({ where: { userId: id } })).toBeGreaterThan(0);
    expect(await t.db.mailOutbox.count({ where: { to: email } })).toBeGreaterThan(0);

    expect(await caller.account.delete({ password: PASSWORD })).toEqual({ ok: true });

    expect(await t.db.conversation.count({ where: { userId: id } })).toBe(0);
    expect(await t.db.message.count({ where: { conversationId: conversation.id } })).toBe(0);
    expect(await t.db.session.count({ where: { userId: id } })).toBe(0);
    expect(await t.db.accountToken.count({ where: { userId: id } })).toBe(0);
    expect(await t.db.mailOutbox.count({ where: { to: email } })).toBe(0);
    const user = await t.db.user.findUniqueOrThrow({ where: { id } });
    expect(user).toMatchObject({ name: null, email: null, passwordHash: null, emailVerified: null, image: null });
    expect(user.deletedAt).toBeInstanceOf(Date);
    expect(await t.db.creditLedger.count({ where: { userId: id } })).toBe(ledgerRows);
    expect(await t.db.purchase.count({ where: { userId: id } })).toBe(1);
    expect(user.balance).toBe(await ledgerSum(t.db, id));
    expect(
      await verifyCredentials(t.db, { email, password: PASSWORD, ip: "10.77.2.1" }, undefined, async () => undefined),
    ).toBeNull();
  });

  it("refuses while a reply is still being written (its charge would be lost), then deletes once it settled", async () => {
    const { id, caller } = await newUser();
    const hold = await reserve(t.db, {
      userId: id,
      amount: 100,
      ttlSeconds: 600,
      refType: "chat_message",
      refId: `reply-${id}`,
    });
    await expect(caller.account.delete({ password: PASSWORD })).rejects.toSatisfy((e) => errorCode(e) === "CONFLICT");
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).deletedAt).toBeNull();
    await release(t.db, hold.id);
    await caller.account.delete({ password: PASSWORD });
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).deletedAt).toBeInstanceOf(Date);
  });

  it("an account without a password confirms by typing its email", async () => {
    const email = newEmail();
    const user = await t.db.user.create({ data: { email, emailVerified: new Date() } });
    const caller = callerFor(t.db, user.id, fromAddress("10.77.3.1"));
    await expect(caller.account.delete({ confirmEmail: "someone@else.com" })).rejects.toSatisfy(
      (e) => errorCode(e) === "BAD_REQUEST",
    );
    await caller.account.delete({ confirmEmail: email.toUpperCase() });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBeNull();
  });
});
