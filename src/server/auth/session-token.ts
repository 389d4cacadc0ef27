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
 * 2. next-auth's JWE format (`dir` + A256CBC-HS512, the only one it issues), authenticated and decrypted
 *    under the key next-auth derives, whose thumbprint must match the token's `kid`; expiry with
 *    next-auth's 15 s tolerance (node:crypto, synchronous: no Web Crypto round trips through the thread pool);
 * 3. the jwt callback's rule: a subject, and a session row that still exists (sessions.ts `sessionActive`,
 *    with its short cache and sliding expiry).
 * The derived keys are computed once per secret and salt (they never change while the process runs).
 */
import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

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
  macKey: Buffer;
  encKey: Buffer;
  kid: string;
}

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
    const key = Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    const jwk = JSON.stringify({ k: key.toString("base64url"), kty: "oct" });
    const kid = createHash("sha512").update(jwk).digest("base64url");
    entry = { macKey: key.subarray(0, 32), encKey: key.subarray(32), kid };
    if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.clear();
    derivedKeys.set(id, entry);
  }
  return entry;
}

/** For tests: how many derived keys are cached. */
export function derivedKeyCount(): number {
  return derivedKeys.size;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Decodes a next-auth session JWT (compact JWE, `dir` + A256CBC-HS512, RFC 7516/7518 §5.2) with the checks
 * @auth/core/jwt `decode` makes through jose: the header's algorithms, the `kid` (when present) of the key,
 * the authentication tag before any decryption, a JSON object payload, `exp`/`nbf` with 15 s tolerance.
 * Null when any of it fails.
 */
export function decodeSessionToken(
  token: string,
  secret: string,
  salt: string,
  nowSeconds = Date.now() / 1000,
): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, ivPart, ciphertextPart, tagPart] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const header = jsonObject(Buffer.from(protectedHeader, "base64url"));
  if (!header || header.alg !== "dir" || header.enc !== ENC || "zip" in header || "crit" in header) return null;
  if (encryptedKey !== "") return null;
  const key = derivedKey(secret, salt);
  if (header.kid !== undefined && header.kid !== key.kid) return null;
  const iv = Buffer.from(ivPart, "base64url");
  const ciphertext = Buffer.from(ciphertextPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== 16 || tag.length !== 32 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
  const aad = Buffer.from(protectedHeader, "ascii");
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length) * 8n);
  const mac = createHmac("sha512", key.macKey).update(aad).update(iv).update(ciphertext).update(aadBits).digest();
  if (!timingSafeEqual(mac.subarray(0, 32), tag)) return null;
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key.encKey, iv);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
  const payload = jsonObject(plaintext);
  if (!payload) return null;
  for (const claim of ["exp", "nbf", "iat"] as const) {
    if (claim in payload && typeof payload[claim] !== "number") return null;
  }
  if (typeof payload.exp === "number" && payload.exp <= nowSeconds - CLOCK_TOLERANCE_SECONDS) return null;
  if (typeof payload.nbf === "number" && payload.nbf > nowSeconds + CLOCK_TOLERANCE_SECONDS) return null;
  return payload;
}

export interface SessionIdentity {
  userId: string;
  sid: string | null;
}

/**
 * The user and session a request's cookies stand for, or null: the cookie decrypts under AUTH_SECRET,
 * has not expired, names a user, and its session row still exists (the jwt callback in config.ts).
 */
export async function readSession(
  db: DbOrTx,
  cookies: Iterable<{ name: string; value: string }>,
  secret = env.AUTH_SECRET,
): Promise<SessionIdentity | null> {
  const name = sessionCookieName();
  const token = sessionCookieValue(cookies, name);
  if (!token || !secret) return null;
  const payload = decodeSessionToken(token, secret, name);
  if (!payload || typeof payload.sub !== "string" || !payload.sub) return null;
  if (!(await sessionActive(db, payload.sid, payload.sub))) return null;
  return { userId: payload.sub, sid: typeof payload.sid === "string" ? payload.sid : null };
}
