import { benchRoutesEnabled, notFoundResponse } from "../enabled";

export const dynamic = "force-dynamic";

/** Benchmark reference: the framework floor (routing + a tiny JSON response, no session, no database). */
export function GET() {
  if (!benchRoutesEnabled()) return notFoundResponse();
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
