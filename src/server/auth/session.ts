import { cookies } from "next/headers";
import { cache } from "react";

import { db } from "~/server/db";

import { readSession, type SessionIdentity } from "./session-token";

/**
 * The current request's session, once per request: the same checks next-auth's `auth()` makes
 * (see session-token.ts), without its sign-in machinery, the renewed cookie it would drop, or a
 * second key derivation. Pages (the root layout's currentUser), tRPC's context and routes all read it here.
 */
const currentSession = cache(async (): Promise<SessionIdentity | null> => readSession(db, (await cookies()).getAll()));

/** The signed-in user (id, and the name and email the session carries), or null: what `auth()` gave server components. */
export async function getSessionUser(): Promise<{ id: string; email: string | null; name: string | null } | null> {
  const session = await currentSession();
  return session && { id: session.userId, email: session.email, name: session.name };
}

/** The signed-in user's id, or null. */
export async function getSessionUserId(): Promise<string | null> {
  return (await currentSession())?.userId ?? null;
}

/** The current session's id (its row in "Session"), or null. */
export async function getSessionId(): Promise<string | null> {
  return (await currentSession())?.sid ?? null;
}
