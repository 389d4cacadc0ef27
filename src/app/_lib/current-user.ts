import "server-only";

import { auth } from "~/server/auth";

export interface CurrentUser {
  id: string;
  email: string | null;
  name: string | null;
}

/** The signed-in user for server components, or null. */
export async function currentUser(): Promise<CurrentUser | null> {
  const session = await auth();
  const user = session?.user as { id?: string; email?: string | null; name?: string | null } | undefined;
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? null, name: user.name ?? null };
}
