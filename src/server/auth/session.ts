import { cookies } from "next/headers";
import { cache } from "react";

import { db } from "~/server/db";

import { readSession, type SessionIdentity } from "./session-token";

/**
 * The current request's session, once per request: the same checks next-auth's `auth()` makes
 * (see session-token.ts), without its sign-in machinery, the renewed cookie it would drop, or a
 * second key derivation.
 */
const currentSession = cache(async (): Promise<SessionIdentity | null> => readSession(db, (await cookies()).getAll()));

/** The signed-in user's id, or null. */
export async function getSessionUserId(): Promise<string | null> {
  return (await currentSession())?.userId ?? null;
}

/** The current session's id (its row in "Session"), or null. */
export async function getSessionId(): Promise<string | null> {
  return (await currentSession())?.sid ?? null;
}
