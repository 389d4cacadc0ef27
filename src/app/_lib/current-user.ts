import "server-only";

import { getSessionUser } from "~/server/auth/session";

export interface CurrentUser {
  id: string;
  email: string | null;
  name: string | null;
}

/**
 * The signed-in user for server components, or null. The same session read as tRPC's context (one per
 * request, shared with it), not next-auth's `auth()`, whose renewed cookie a server component drops anyway.
 */
export async function currentUser(): Promise<CurrentUser | null> {
  return getSessionUser();
}
