import { checkDatabase } from "~/server/health";

export const dynamic = "force-dynamic";

/** For load balancers: 200 when the database answers, 503 when it does not. Never reports config. */
export async function GET() {
  const database = await checkDatabase();
  return Response.json(
    { status: database.up ? "ok" : "degraded", database: database.up ? "up" : "down", latencyMs: database.latencyMs },
    { status: database.up ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
