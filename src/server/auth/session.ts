import { auth } from "./index";

/** The signed-in user's id, or null. */
export async function getSessionUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}

/** The current session's id (its row in "Session"), or null. */
export async function getSessionId(): Promise<string | null> {
  const session = await auth();
  return (session as { sid?: string } | null)?.sid ?? null;
}
