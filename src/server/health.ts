import { db as appDb, type Db } from "~/server/db";
import { processDrain, type Drain } from "~/server/shutdown/drain";

export async function checkDatabase(db: Db = appDb, timeoutMs = 2000): Promise<{ up: boolean; latencyMs: number }> {
  const started = performance.now();
  try {
    await Promise.race([
      db.$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    return { up: true, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { up: false, latencyMs: Math.round(performance.now() - started) };
  }
}

export interface Readiness {
  status: "ok" | "degraded" | "draining";
  httpStatus: 200 | 503;
  database: "up" | "down" | "unchecked";
  latencyMs?: number;
}

/**
 * Whether a load balancer should send this instance traffic: not while it shuts down (it
 * still serves what reaches it, but new chats are refused), nor while its database is down.
 */
export async function checkReadiness(deps: { db?: Db; drain?: Drain } = {}): Promise<Readiness> {
  if ((deps.drain ?? processDrain()).draining) return { status: "draining", httpStatus: 503, database: "unchecked" };
  const database = await checkDatabase(deps.db);
  return database.up
    ? { status: "ok", httpStatus: 200, database: "up", latencyMs: database.latencyMs }
    : { status: "degraded", httpStatus: 503, database: "down", latencyMs: database.latencyMs };
}
