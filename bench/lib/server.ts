import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";

import { startApp } from "../../scripts/launcher/app.mjs";
import { HARNESS_RATE_LIMITS } from "../../scripts/launcher/harness-limits.mjs";
import { freePort } from "../../scripts/launcher/ports.mjs";
import { startMailCatcher } from "../../tools/mail-catcher/src/catcher";

import { registerInbox } from "./inbox";
import { treeRssMb } from "./process-memory";

// Fresh per run: the production guard refuses secrets that are published in the repository.
export const BENCH_AUTH_SECRET = randomBytes(32).toString("base64url");
export const BENCH_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
/** The application_name of the bench server's database connections (bench/lib/resource-sampler.ts tells them apart). */
export const MAIN_SERVER_APP_NAME = "tally-bench-server";
/** Per-token delay of the offline demo model, in the server and in case 5's in-process model. */
export const BENCH_DEMO_DELAY_MS = 5;

export interface BenchServer {
  baseUrl: string;
  pid: number;
  env: Record<string, string>;
  rssMb(): number;
  stop(): Promise<void>;
}

/**
 * `next start` of the production build on loopback, against `databaseUrl`, with limits out of the way.
 * Its output goes to bench/out/<logName>.log.
 */
export async function startServer(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
  logName = "server",
): Promise<BenchServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Verification mail (and with it the signup bonus) goes to a local catcher the harness reads.
  const catcher = await startMailCatcher();
  registerInbox(baseUrl, catcher.webUrl);
  const env: Record<string, string> = {
    NODE_ENV: "production",
    APP_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: BENCH_AUTH_SECRET,
    // Nothing here ever reaches Stripe: run.ts points STRIPE_API_URL at the harness's own emulator
    // (a closed loopback port when a caller gives none), and webhooks are signed by the harness itself.
    STRIPE_SECRET_KEY: "sk_test_tally_bench",
    STRIPE_API_URL: "http://127.0.0.1:9",
    STRIPE_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    STRIPE_ALLOW_TEST_MODE: "1",
    // The production guard accepts bench routes only here: loopback APP_URL, demo model, no live key.
    TALLY_BENCH_ROUTES: "1",
    ...HARNESS_RATE_LIMITS,
    CHAT_DEMO_DELAY_MS: String(BENCH_DEMO_DELAY_MS),
    SMTP_URL: catcher.smtpUrl,
    // Only the launcher's own preload (the client's address is the TCP peer's), none of the harness's.
    NODE_OPTIONS: "",
    ...extraEnv,
  };
  mkdirSync("bench/out", { recursive: true });
  const log = createWriteStream(`bench/out/${logName}.log`, { flags: "a" });
  await new Promise((r) => log.once("open", r));
  // Its own process group, so stop() ends next-server and anything it forked.
  const app = startApp({
    server: "start",
    port,
    hostname: "127.0.0.1",
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
    // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/out/prof": where the server's time goes.
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean),
  });
  const pid = app.child.pid!;
  const stop = async () => {
    await catcher.close();
    await app.stop();
    log.end();
  };
  try {
    await app.healthy(90_000);
  } catch (error) {
    await stop();
    throw new Error(`next start: ${(error as Error).message} (see bench/out/${logName}.log)`);
  }
  return { baseUrl, pid, env, rssMb: () => treeRssMb(pid), stop };
}
