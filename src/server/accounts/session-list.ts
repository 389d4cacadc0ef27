import Bowser from "bowser";

import { endSession } from "~/server/auth/sessions";
import type { DbOrTx } from "~/server/database/transaction";

import { AccountSessionNotFoundError } from "./errors";

export interface SessionOut {
  id: string;
  /** e.g. "Chrome 131", null when the browser did not say. */
  browser: string | null;
  /** e.g. "macOS", null when unknown. */
  os: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** The session this request came from. */
  current: boolean;
}

/** "Chrome 131" / "macOS" from a User-Agent header; nulls for what it does not tell. */
export function describeDevice(userAgent: string | null): { browser: string | null; os: string | null } {
  if (!userAgent) return { browser: null, os: null };
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split(".")[0];
  const browser = parsed.browser.name ? [parsed.browser.name, major].filter(Boolean).join(" ") : null;
  return { browser, os: parsed.os.name ?? null };
}

/** The user's unexpired sessions, most recently used first. */
export async function listSessions(
  db: DbOrTx,
  userId: string,
  currentSid: string | null,
  now = new Date(),
): Promise<SessionOut[]> {
  const rows = await db.session.findMany({
    where: { userId, expires: { gt: now } },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    take: 100,
    select: { id: true, sessionToken: true, userAgent: true, createdAt: true, lastSeenAt: true },
  });
  return rows.map((row) => ({
    id: row.id,
    ...describeDevice(row.userAgent),
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    current: row.sessionToken === currentSid,
  }));
}

/** Signs out one of the user's sessions (the browser holding it is signed out on its next request). */
export async function revokeSession(db: DbOrTx, userId: string, sessionId: string): Promise<void> {
  const row = await db.session.findFirst({ where: { id: sessionId, userId }, select: { sessionToken: true } });
  if (!row) throw new AccountSessionNotFoundError();
  await endSession(db, row.sessionToken);
}
