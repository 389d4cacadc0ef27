import { env } from "~/env";
import { requestRefusal } from "~/server/api/request-policy";
import { recordId } from "~/server/api/validation";
import { getSessionUserId } from "~/server/auth/session";
import { ledgerCsvHeaders, ledgerCsvStream } from "~/server/credits/ledger-csv";
import { teamLedgerCsvStream } from "~/server/credits/team-ledger-csv";
import { db } from "~/server/db";
import { TeamNotFoundError, TeamRoleRequiredError } from "~/server/teams/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const refuse = (status: number, message: string) =>
  Response.json({ error: message }, { status, headers: { "Cache-Control": "private, no-store" } });

/**
 * The signed-in user's whole credit ledger as a CSV download, streamed page by page
 * (src/server/credits/ledger-csv.ts); with `?teamId=` a team pool's ledger, for its owner and admins
 * (team-ledger-csv.ts). Only the app's own pages may ask (same rule as /api/trpc).
 */
export async function GET(req: Request): Promise<Response> {
  const refusal = requestRefusal(req, new URL(env.APP_URL).origin);
  if (refusal) return refuse(403, refusal.message);
  const userId = await getSessionUserId();
  if (!userId) return refuse(401, "Sign in to continue.");
  const teamParam = new URL(req.url).searchParams.get("teamId");
  if (teamParam === null) return new Response(ledgerCsvStream(db, userId), { headers: ledgerCsvHeaders() });

  const teamId = recordId.safeParse(teamParam);
  if (!teamId.success) return refuse(400, "Invalid team id.");
  try {
    const stream = await teamLedgerCsvStream(db, userId, teamId.data);
    return new Response(stream, { headers: ledgerCsvHeaders(new Date(), "team-ledger") });
  } catch (error) {
    if (error instanceof TeamNotFoundError) return refuse(404, error.message);
    if (error instanceof TeamRoleRequiredError) return refuse(403, error.message);
    throw error;
  }
}
