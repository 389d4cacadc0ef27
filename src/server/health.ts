import { db as appDb, type Db } from "~/server/db";

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
