import { getSessionUserId } from "~/server/auth/session";
import { getBalance } from "~/server/credits";
import { db } from "~/server/db";

import { benchRoutesEnabled, notFoundResponse } from "../enabled";

export const dynamic = "force-dynamic";

/**
 * Benchmark reference for `credits.balance`: the same session check and the same single-row
 * query, without tRPC. Returns only the caller's own balance.
 */
export async function GET() {
  if (!benchRoutesEnabled()) return notFoundResponse();
  const userId = await getSessionUserId();
  if (!userId) return Response.json({ error: "unauthorized" }, { status: 401 });
  return Response.json(await getBalance(db, userId), { headers: { "Cache-Control": "no-store" } });
}
