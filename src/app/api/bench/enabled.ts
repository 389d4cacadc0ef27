import { env } from "~/env";

/** The bench reference routes exist only when the benchmark harness starts the server with TALLY_BENCH_ROUTES=1. */
export function benchRoutesEnabled(): boolean {
  return env.TALLY_BENCH_ROUTES === "1";
}

export function notFoundResponse(): Response {
  return new Response("Not Found", { status: 404 });
}
