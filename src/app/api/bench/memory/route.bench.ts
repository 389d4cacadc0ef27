import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { benchRoutesEnabled, notFoundResponse } from "../enabled";

export const dynamic = "force-dynamic";

let collect: (() => void) | undefined;

/** V8's full collection, made reachable once without a start-up flag (the bench server runs plain `next start`). */
function fullGc(): void {
  if (!collect) {
    setFlagsFromString("--expose_gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}

/**
 * Benchmark probe for the memory rounds (bench case 8): a full garbage collection, then this
 * process's memory, so a round's figure counts what is still reachable, not garbage not yet collected.
 */
export function GET() {
  if (!benchRoutesEnabled()) return notFoundResponse();
  fullGc();
  fullGc();
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return Response.json(
    {
      rssMb: mb(rss),
      heapTotalMb: mb(heapTotal),
      heapUsedMb: mb(heapUsed),
      externalMb: mb(external),
      arrayBuffersMb: mb(arrayBuffers),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
