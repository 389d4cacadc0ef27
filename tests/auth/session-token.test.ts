/**
 * The server-side session read (src/server/auth/session-token.ts) replaces next-auth's `auth()` for
 * getSessionUserId/getSessionId: it must accept exactly the cookies next-auth would (tokens made by
 * next-auth's own encoder) and refuse everything it would refuse — another secret, a changed byte,
 * an expired token, a session row deleted (revoked) — and keep its one cache (derived keys) bounded.
 */
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startSession, endAllSessions, endSession } from "~/server/auth/sessions";
import {
  decodeSessionToken,
  derivedKey,
  derivedKeyCount,
  readSession,
  sessionCookieName,
  sessionCookieValue,
} from "~/server/auth/session-token";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

const SECRET = "session-token-test-secret-0123456789abcdef";
const NAME = "authjs.session-token";

const cookie = (value: string, name = NAME) => [{ name, value }];

/** A token exactly as next-auth issues it (same encoder, same salt: the cookie name). */
const issue = (payload: Record<string, unknown>, opts: { secret?: string; maxAge?: number } = {}) =>
  encode({ token: payload, secret: opts.secret ?? SECRET, salt: NAME, maxAge: opts.maxAge ?? 3600 });

/** The token with one base64url character of part `index` changed. */
function tamper(token: string, index: number): string {
  const parts = token.split(".");
  const part = parts[index]!;
  const at = Math.floor(part.length / 2);
  parts[index] = part.slice(0, at) + (part[at] === "A" ? "B" : "A") + part.slice(at + 1);
  return parts.join(".");
}

describeEachDb("session token read", (kind) => {
  let t: TestDb;
  let userId: string;
  beforeAll(async () => {
    t = await createTestDb(kind);
    userId = (await t.db.user.create({ data: { email: `session-token-${kind}@test.local` } })).id;
  });
  afterAll(() => t.close());

  it("accepts next-auth's own token for a live session and returns its user and session ids", async () => {
    expect(sessionCookieName()).toBe(NAME);
    const sid = await startSession(t.db, userId);
    const token = await issue({ sub: userId, sid, name: "Ada", email: "ada@test.local" });
    expect(await readSession(t.db, cookie(token), SECRET)).toEqual({
      userId,
      sid,
      name: "Ada",
      email: "ada@test.local",
    });
    expect(await decodeSessionToken(token, SECRET, NAME)).toMatchObject({ sub: userId, sid, email: "ada@test.local" });
  });

  it("reads a token split into chunks (.0, .1 …) like next-auth's SessionStore, in suffix order", async () => {
    const sid = await startSession(t.db, userId);
    const token = await issue({ sub: userId, sid });
    const [a, b, c] = [token.slice(0, 100), token.slice(100, 250), token.slice(250)];
    const jar = [
      { name: `${NAME}.2`, value: c },
      { name: "other", value: "x" },
      { name: `${NAME}.0`, value: a },
      { name: `${NAME}.1`, value: b },
    ];
    expect(sessionCookieValue(jar, NAME)).toBe(token);
    expect(await readSession(t.db, jar, SECRET)).toEqual({ userId, sid, name: null, email: null });
  });

  it("refuses a revoked session at once on this instance: sign-out and sign out everywhere", async () => {
    const one = await startSession(t.db, userId);
    const two = await startSession(t.db, userId);
    const [tokenOne, tokenTwo] = await Promise.all([
      issue({ sub: userId, sid: one }),
      issue({ sub: userId, sid: two }),
    ]);
    expect(await readSession(t.db, cookie(tokenOne), SECRET)).not.toBeNull();
    expect(await readSession(t.db, cookie(tokenTwo), SECRET)).not.toBeNull();
    await endSession(t.db, one);
    expect(await readSession(t.db, cookie(tokenOne), SECRET)).toBeNull();
    expect(await readSession(t.db, cookie(tokenTwo), SECRET)).not.toBeNull();
    await endAllSessions(t.db, userId);
    expect(await readSession(t.db, cookie(tokenTwo), SECRET)).toBeNull();
  });

  it("refuses a token whose session row never existed, or that names another user or no user", async () => {
    const sid = await startSession(t.db, userId);
    expect(await readSession(t.db, cookie(await issue({ sub: userId, sid: "no-such-session" })), SECRET)).toBeNull();
    expect(await readSession(t.db, cookie(await issue({ sub: "someone-else", sid })), SECRET)).toBeNull();
    expect(await readSession(t.db, cookie(await issue({ sid })), SECRET)).toBeNull();
  });

  it("refuses another secret, an expired token, a changed byte in any part, and garbage — changing nothing", async () => {
    const sid = await startSession(t.db, userId);
    const before = await t.db.session.findUniqueOrThrow({ where: { sessionToken: sid } });
    const good = await issue({ sub: userId, sid });
    expect(
      await readSession(t.db, cookie(await issue({ sub: userId, sid }, { secret: `${SECRET}-other` })), SECRET),
    ).toBeNull();
    // Expired beyond next-auth's 15 s clock tolerance.
    expect(await readSession(t.db, cookie(await issue({ sub: userId, sid }, { maxAge: -60 })), SECRET)).toBeNull();
    for (const part of [0, 2, 3, 4])
      expect(await decodeSessionToken(tamper(good, part), SECRET, NAME), `part ${part}`).toBeNull();
    // Right key, wrong salt (another cookie's name): a token is bound to its cookie.
    expect(await decodeSessionToken(good, SECRET, `__Secure-${NAME}`)).toBeNull();
    // Over plain http the __Secure- cookie is not the session cookie.
    expect(await readSession(t.db, cookie(good, `__Secure-${NAME}`), SECRET)).toBeNull();
    for (const junk of [
      "",
      "a.b.c",
      "a.b.c.d.e",
      "....",
      `${good}.x`,
      "%%%%.%%%%.%%%%.%%%%.%%%%",
      "x".repeat(10_000),
    ]) {
      expect(await decodeSessionToken(junk, SECRET, NAME), junk.slice(0, 20)).toBeNull();
      expect(await readSession(t.db, cookie(junk), SECRET)).toBeNull();
    }
    // An unsigned token with the header swapped for alg "none" is refused before any decryption.
    const none = Buffer.from(JSON.stringify({ alg: "none", enc: "A256CBC-HS512" })).toString("base64url");
    expect(await decodeSessionToken([none, ...good.split(".").slice(1)].join("."), SECRET, NAME)).toBeNull();
    expect(await readSession(t.db, [], SECRET)).toBeNull();
    expect(await t.db.session.findUniqueOrThrow({ where: { sessionToken: sid } })).toEqual(before);
  });
});

it("derives each key once and keeps at most a handful of them", () => {
  const first = derivedKey(SECRET, NAME);
  expect(derivedKey(SECRET, NAME)).toBe(first);
  for (let i = 0; i < 50; i++) derivedKey(`${SECRET}-${i}`, NAME);
  expect(derivedKeyCount()).toBeLessThanOrEqual(16);
  expect(derivedKey(SECRET, NAME).kid).toBe(first.kid);
});

it("answers a token seen before from memory, still checking its expiry every time, and forgets the oldest past 5,000", async () => {
  const secret = `${SECRET}-memo`;
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = await issue({ sub: "u-memo", sid: "s-memo" }, { secret, maxAge: 60 });
  const first = await decodeSessionToken(token, secret, NAME);
  expect(first).toMatchObject({ sub: "u-memo" });
  // The same payload object: no second decryption.
  expect(await decodeSessionToken(token, secret, NAME)).toBe(first);
  const at = (seconds: number) => new Date((issuedAt + seconds) * 1000);
  // exp = iat + 60; next-auth's 15 s tolerance applies to the remembered token as to a new one.
  expect(await decodeSessionToken(token, secret, NAME, at(60 + 10))).toBe(first);
  expect(await decodeSessionToken(token, secret, NAME, at(60 + 16))).toBeNull();
  // A changed byte is another string: it is decrypted (and refused), never matched to the remembered one.
  expect(await decodeSessionToken(tamper(token, 3), secret, NAME)).toBeNull();
  expect(await decodeSessionToken(tamper(token, 4), secret, NAME)).toBeNull();
  // Remembered per key: under another salt the same token does not decrypt.
  expect(await decodeSessionToken(token, secret, `__Secure-${NAME}`)).toBeNull();

  const many = await Promise.all(
    Array.from({ length: 5_000 }, (_, i) => issue({ sub: `u-${i}` }, { secret, maxAge: 60 })),
  );
  for (const other of many) expect(await decodeSessionToken(other, secret, NAME)).not.toBeNull();
  expect(derivedKey(secret, NAME).verified.size).toBe(5_000);
  // The oldest (the first token) was dropped; it still decodes, by decryption: a new, equal payload.
  const again = await decodeSessionToken(token, secret, NAME);
  expect(again).toEqual(first);
  expect(again).not.toBe(first);
  expect(derivedKey(secret, NAME).verified.size).toBe(5_000);
});
