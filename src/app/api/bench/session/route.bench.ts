import { getSessionUserId } from "~/server/auth/session";

import { benchRoutesEnabled, notFoundResponse } from "../enabled";

export const dynamic = "force-dynamic";

/** Benchmark reference: the session check alone (no database), to split the bare route's cost. */
export async function GET() {
  if (!benchRoutesEnabled()) return notFoundResponse();
  const userId = await getSessionUserId();
  return Response.json(
    { signedIn: userId !== null },
    { status: userId ? 200 : 401, headers: { "Cache-Control": "no-store" } },
  );
}
