export const dynamic = "force-dynamic";

/**
 * Liveness: the process answers HTTP. Stays 200 while draining and when the database is down
 * (restarting the process would not fix either); readiness is /api/health.
 */
export function GET() {
  return Response.json({ status: "alive" }, { headers: { "Cache-Control": "no-store" } });
}
