import { env } from "~/env";
import { requestRefusal } from "~/server/api/request-policy";
import { getSessionUserId } from "~/server/auth/session";
import { ledgerCsvHeaders, ledgerCsvStream } from "~/server/credits/ledger-csv";
import { db } from "~/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const refuse = (status: number, message: string) =>
  Response.json({ error: message }, { status, headers: { "Cache-Control": "private, no-store" } });

/**
 * The signed-in user's whole credit ledger as a CSV download, streamed page by page
 * (src/server/credits/ledger-csv.ts). Only the app's own pages may ask (same rule as /api/trpc).
 */
export async function GET(req: Request): Promise<Response> {
  const refusal = requestRefusal(req, new URL(env.APP_URL).origin);
  if (refusal) return refuse(403, refusal.message);
  const userId = await getSessionUserId();
  if (!userId) return refuse(401, "Sign in to continue.");
  return new Response(ledgerCsvStream(db, userId), { headers: ledgerCsvHeaders() });
}
