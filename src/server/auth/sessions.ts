/**
 * Revocable sessions. Sessions are JWTs (no database read to authenticate), but each one names
 * a row in "Session" (its `sid`), created at sign-in. Deleting the row ends that session:
 * sign-out deletes its own, "sign out everywhere" and a password reset delete all of a user's,
 * a password change all but the current one. The check runs whenever a session is read, against
 * a short in-process cache, so most requests cost no query; another instance notices a deletion
 * within SESSION_VERSION_CACHE_SECONDS (the instance that deletes forgets at once).
 */
import { randomBytes } from "node:crypto";

import { env } from "~/env";
import type { DbOrTx } from "~/server/database/transaction";

interface Cached {
  userId: string | null;
  expires: number;
  until: number;
}

const globalForSessions = globalThis as unknown as { tallySessions?: Map<string, Cached> };
const cache = (globalForSessions.tallySessions ??= new Map<string, Cached>());
const MAX_CACHED = 10_000;

const maxAgeMs = () => env.SESSION_MAX_AGE_SECONDS * 1000;

const MAX_USER_AGENT_CHARS = 512;

/** Records a new session for `userId` (with the browser's User-Agent, for the account page); returns its id for the JWT. */
export async function startSession(
  db: DbOrTx,
  userId: string,
  now = Date.now(),
  userAgent?: string | null,
): Promise<string> {
  const sid = randomBytes(24).toString("base64url");
  await db.session.create({
    data: {
      sessionToken: sid,
      userId,
      expires: new Date(now + maxAgeMs()),
      userAgent: userAgent?.slice(0, MAX_USER_AGENT_CHARS) || null,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
    },
  });
  return sid;
}

/**
 * True while the session exists, belongs to `userId` and has not expired. Slides the server-side
 * expiry forward at most once per SESSION_UPDATE_AGE_SECONDS, like the cookie.
 */
export async function sessionActive(db: DbOrTx, sid: unknown, userId: string, now = Date.now()): Promise<boolean> {
  if (typeof sid !== "string" || sid.length > 100) return false;
  let entry = cache.get(sid);
  if (!entry || entry.until <= now) {
    const row = await db.session.findUnique({ where: { sessionToken: sid }, select: { userId: true, expires: true } });
    entry = {
      userId: row?.userId ?? null,
      expires: row?.expires.getTime() ?? 0,
      until: now + env.SESSION_VERSION_CACHE_SECONDS * 1000,
    };
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(sid, entry);
  }
  if (entry.userId !== userId || entry.expires <= now) return false;
  if (entry.expires - now < maxAgeMs() - env.SESSION_UPDATE_AGE_SECONDS * 1000) {
    const expires = now + maxAgeMs();
    entry.expires = expires;
    await db.session.updateMany({
      where: { sessionToken: sid },
      data: { expires: new Date(expires), lastSeenAt: new Date(now) },
    });
  }
  return true;
}

/** Ends one session (sign-out). */
export async function endSession(db: DbOrTx, sid: unknown): Promise<void> {
  if (typeof sid !== "string") return;
  cache.delete(sid);
  await db.session.deleteMany({ where: { sessionToken: sid } });
}

/** Ends every session of the user, except `keepSid` when given (a password change keeps the session that made it). */
export async function endAllSessions(db: DbOrTx, userId: string, keepSid?: string): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { userId, ...(keepSid ? { sessionToken: { not: keepSid } } : {}) },
  });
  for (const [sid, entry] of cache) if (entry.userId === userId && sid !== keepSid) cache.delete(sid);
  return count;
}

/** Drops expired session rows (called from the periodic sweep). */
export async function deleteExpiredSessions(db: DbOrTx, now = new Date()): Promise<number> {
  return (await db.session.deleteMany({ where: { expires: { lt: now } } })).count;
}
