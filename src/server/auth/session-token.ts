/**
 * The server-side session read (getSessionUserId, getSessionId), without next-auth's whole request
 * cycle. next-auth's `auth()` answers a server component or route by running its `/api/auth/session`
 * action on a synthetic request: it derives the JWE key from AUTH_SECRET (HKDF) and its thumbprint,
 * decrypts the cookie, runs the jwt callback, then derives the key again to encrypt a renewed cookie
 * and builds a JSON response, and `auth()` throws the renewed cookie away (a server component cannot
 * set one). Measured in bench case 1, that was most of the session check's cost.
 *
 * This does the same checks, in the same order, and nothing else:
 * 1. the session cookie next-auth wrote (`authjs.session-token`, `__Secure-` over HTTPS, chunks `.0`, `.1`… joined);
 * 2. next-auth's JWE format (`dir` + A256CBC-HS512, the only one it issues), decrypted by jose (as next-auth
 *    does) under the key next-auth derives, whose thumbprint must match the token's `kid`; expiry with
 *    next-auth's 15 s tolerance;
 * 3. the jwt callback's rule: a subject, and a session row that still exists (sessions.ts `sessionActive`,
 *    with its short cache and sliding expiry).
 * The derived keys are computed once per secret and salt (they never change while the process runs), and
 * a token that decrypted is remembered with its payload (a browser sends the same cookie on every request),
 * so a repeat costs a map lookup and the time checks instead of an AES-CBC + HMAC-SHA512 decryption.
 */
import { createHash, hkdfSync } from "node:crypto";

import { jwtDecrypt, type JWTPayload } from "jose";

import { env } from "~/env";
import type { DbOrTx } from "~/server/database/transaction";

import { sessionActive } from "./sessions";

/** next-auth's session cookie name for this deployment (authConfig.useSecureCookies). */
export function sessionCookieName(): string {
  return `${env.APP_URL.startsWith("https://") ? "__Secure-" : ""}authjs.session-token`;
}

/** The cookie value next-auth's SessionStore reads: the cookie itself, or its chunks in suffix order. */
export function sessionCookieValue(cookies: Iterable<{ name: string; value: string }>, name: string): string | null {
  const chunks: [number, string][] = [];
  for (const c of cookies) {
    if (!c.name.startsWith(name) || !c.value) continue;
    chunks.push([parseInt(c.name.split(".").pop() || "0") || 0, c.value]);
  }
  if (chunks.length === 0) return null;
  return chunks
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v)
    .join("");
}

/** The only content encryption next-auth issues (@auth/core/jwt `encode`). */
const ENC = "A256CBC-HS512";
const CLOCK_TOLERANCE_SECONDS = 15;

interface DerivedKey {
  key: Uint8Array;
  kid: string;
  /** Tokens that decrypted under this key, and their payloads; oldest dropped first past MAX_VERIFIED_TOKENS. */
  verified: Map<string, JWTPayload>;
}

const MAX_VERIFIED_TOKENS = 5_000;

/** One entry per (secret, salt): a process has one secret and one cookie name, so this stays tiny. */
const derivedKeys = new Map<string, DerivedKey>();
const MAX_DERIVED_KEYS = 16;

/**
 * next-auth's key (@auth/core/jwt getDerivedEncryptionKey: HKDF-SHA256, 64 bytes for A256CBC-HS512) and the
 * `kid` its tokens carry (the key's RFC 7638 JWK thumbprint, SHA-512), derived once per secret and salt.
 */
export function derivedKey(secret: string, salt: string): DerivedKey {
  const id = `${salt}\u0000${secret}`;
  let entry = derivedKeys.get(id);
  if (!entry) {
    const key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    const jwk = JSON.stringify({ k: Buffer.from(key).toString("base64url"), kty: "oct" });
    const kid = createHash("sha512").update(jwk).digest("base64url");
    entry = { key, kid, verified: new Map() };
    if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.clear();
    derivedKeys.set(id, entry);
  }
  return entry;
}

/** For tests: how many derived keys are cached. */
export function derivedKeyCount(): number {
  return derivedKeys.size;
}

/**
 * Decodes a next-auth session JWT with jose, as @auth/core/jwt `decode` does: `dir` + A256CBC-HS512 only,
 * the `kid` (when present) must be the key's, `exp`/`nbf` with 15 s tolerance. The key derivation and the
 * decryption of a token seen before are cached; the time checks run every time. Null when any check fails.
 */
export async function decodeSessionToken(
  token: string,
  secret: string,
  salt: string,
  now: Date = new Date(),
): Promise<JWTPayload | null> {
  const { key, kid, verified } = derivedKey(secret, salt);
  const known = verified.get(token);
  if (known) return inTime(known, now) ? known : null;
  try {
    const { payload } = await jwtDecrypt(
      token,
      (header) => {
        if (header.kid !== undefined && header.kid !== kid) throw new Error("no matching key");
        return key;
      },
      {
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: [ENC],
      },
    );
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, payload);
    return payload;
  } catch {
    return null;
  }
}

/** jose's `exp` and `nbf` checks for a payload it already validated, at `now`, with the same tolerance. */
function inTime(payload: JWTPayload, now: Date): boolean {
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp === "number" && payload.exp <= seconds - CLOCK_TOLERANCE_SECONDS) return false;
  if (typeof payload.nbf === "number" && payload.nbf > seconds + CLOCK_TOLERANCE_SECONDS) return false;
  return true;
}

export interface SessionIdentity {
  userId: string;
  sid: string | null;
  /** What next-auth's session callback would put in `session.user` (the token's name and email, set at sign-in). */
  name: string | null;
  email: string | null;
}

const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * The user and session a request's cookies stand for, or null: the cookie decrypts under AUTH_SECRET,
 * has not expired, names a user, and its session row still exists (the jwt callback in config.ts). With
 * the user's name and email as `auth()` gives them (next-auth's session callback copies them from the token).
 */
export async function readSession(
  db: DbOrTx,
  cookies: Iterable<{ name: string; value: string }>,
  secret = env.AUTH_SECRET,
): Promise<SessionIdentity | null> {
  const name = sessionCookieName();
  const token = sessionCookieValue(cookies, name);
  if (!token || !secret) return null;
  const payload = await decodeSessionToken(token, secret, name);
  if (!payload || typeof payload.sub !== "string" || !payload.sub) return null;
  if (!(await sessionActive(db, payload.sid, payload.sub))) return null;
  return {
    userId: payload.sub,
    sid: stringOrNull(payload.sid),
    name: stringOrNull(payload.name),
    email: stringOrNull(payload.email),
  };
}
