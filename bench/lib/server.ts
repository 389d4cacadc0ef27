import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";

import { startMailCatcher } from "../../tools/mail-catcher/src/catcher";

import { DIST_DIR } from "./build";
import { registerInbox } from "./inbox";
import { freePort } from "./ports";
import { treeRssMb } from "./process-memory";

// Fresh per run: the production guard refuses secrets that are published in the repository.
export const BENCH_AUTH_SECRET = randomBytes(32).toString("base64url");
export const BENCH_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
/** Per-token delay of the offline demo model, in the server and in case 5's in-process model. */
export const BENCH_DEMO_DELAY_MS = 5;

const HIGH_LIMIT = "1000000/60";
/** Every rate limit out of the way: harness traffic comes from one address at machine speed. */
export const HARNESS_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_SIGNIN_PER_EMAIL: HIGH_LIMIT,
  RATE_LIMIT_SIGNIN_PER_EMAIL_AND_IP: HIGH_LIMIT,
  RATE_LIMIT_ACCOUNT_MAIL: HIGH_LIMIT,
  RATE_LIMIT_SIGNIN_PER_IP: HIGH_LIMIT,
  RATE_LIMIT_SIGNUP_PER_IP: HIGH_LIMIT,
  RATE_LIMIT_CHAT_PER_USER: HIGH_LIMIT,
  RATE_LIMIT_CHECKOUT_PER_USER: HIGH_LIMIT,
};

export interface BenchServer {
  baseUrl: string;
  pid: number;
  env: Record<string, string>;
  rssMb(): number;
  stop(): Promise<void>;
}

/** `next start` of the production build on loopback, against `databaseUrl`, with limits out of the way. */
export async function startServer(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<BenchServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Verification mail (and with it the signup bonus) goes to a local catcher the harness reads.
  const catcher = await startMailCatcher();
  registerInbox(baseUrl, catcher.webUrl);
  const env: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_DIST_DIR: DIST_DIR,
    PORT: String(port),
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
    // As scripts/stack.mjs runs it: the client's address is the TCP peer's.
    NODE_OPTIONS: `--import=${process.cwd()}/scripts/peer-address.mjs`,
    SMTP_URL: catcher.smtpUrl,
    ...extraEnv,
  };
  mkdirSync("bench/out", { recursive: true });
  const log = createWriteStream("bench/out/server.log", { flags: "a" });
  await new Promise((r) => log.once("open", r));
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "--port", String(port), "--hostname", "127.0.0.1"],
    // Its own process group, so stop() ends next-server and anything it forked.
    { env: { ...process.env, ...env }, stdio: ["ignore", log, log], detached: true },
  );
  const pid = child.pid!;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));

  const stop = async () => {
    await catcher.close();
    if (exited) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const killTimer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exitedPromise;
    clearTimeout(killTimer);
    log.end();
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error("next start exited during startup (see bench/out/server.log)");
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("next start did not become healthy within 90 s (see bench/out/server.log)");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, pid, env, rssMb: () => treeRssMb(pid), stop };
}
