import { checkReadiness } from "~/server/health";

export const dynamic = "force-dynamic";

/**
 * Readiness, for load balancers: 200 when the database answers, 503 when it does not or while
 * the server shuts down ("draining"). Liveness is /api/health/live. Never reports config.
 */
export async function GET() {
  const { httpStatus, ...body } = await checkReadiness();
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
