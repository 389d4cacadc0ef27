import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { startApp } from "../../scripts/launcher/app.mjs";
import { freePort } from "../../scripts/launcher/ports.mjs";

// Starts the real production build (`next start`) with one bad setting at a time and sees it refuse.
const distDir = process.env.NEXT_DIST_DIR || ".next";
const built = existsSync(path.join(distDir, "BUILD_ID"));
// `npm test` builds first and then sets TALLY_STATIC_SCAN=1: there a missing build fails instead of skipping.
const required = process.env.TALLY_STATIC_SCAN === "1";

// A start on a busy machine (npm test runs suites in parallel) can take a while; these are bounds, not expectations.
const START_TIMEOUT_MS = 180_000;

interface Started {
  exitCode: number | null;
  stderr: string;
  /** /api/health answered 200 at some point. */
  served: boolean;
  /** Response headers of /auth when it served. */
  authPage?: Headers;
}

/**
 * Runs `next start` until it either exits or answers /api/health with 200 (then stops it).
 * The deadline only keeps a broken build from hanging the suite; no assertion depends on timing.
 */
async function startProduction(settings: Record<string, string | undefined>): Promise<Started> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    NEXT_DIST_DIR: distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: base,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PGLITE_DATA_DIR: "memory://",
    JOB_SWEEP_INTERVAL_SECONDS: "0",
    JOB_RECONCILE_INTERVAL_SECONDS: "0",
    TALLY_LOG: "silent",
  };
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const { child } = startApp({
    server: "start",
    port,
    hostname: "127.0.0.1",
    env,
    peerAddress: false,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => ((exitCode = code ?? (signal ? 128 : null)), resolve())),
  );

  let served = false;
  let authPage: Headers | undefined;
  const deadline = Date.now() + START_TIMEOUT_MS - 30_000;
  while (exitCode === undefined && Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200) {
        served = true;
        authPage = (await fetch(`${base}/auth`)).headers;
        break;
      }
    } catch {
      // not listening (yet, or any more)
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exitCode === undefined) child.kill("SIGTERM");
  await exited;
  return { exitCode: exitCode ?? null, stderr, served, authPage };
}

const refusalLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("[tally] refusing to start: "));

describe.runIf(built || required)("the production server", () => {
  it("has a production build to start", () => {
    expect(built, `no production build in ${distDir}: npm test builds one first`).toBe(true);
  });

  it.runIf(built).each<[string, Record<string, string | undefined>, string]>([
    [
      "the repository's development AUTH_SECRET",
      { AUTH_SECRET: "tally-dev-only-secret-do-not-use-in-production" },
      "AUTH_SECRET",
    ],
    [
      "the Stripe emulator's webhook secret",
      {
        STRIPE_SECRET_KEY: "sk_live_tallyProductionStartTest",
        STRIPE_WEBHOOK_SECRET: "whsec_tally_local_emulator_secret",
      },
      "STRIPE_WEBHOOK_SECRET",
    ],
    [
      "STRIPE_API_URL with a live key",
      { STRIPE_SECRET_KEY: "sk_live_tallyProductionStartTest", STRIPE_API_URL: "http://127.0.0.1:12111" },
      "STRIPE_API_URL",
    ],
    [
      "a non-https STRIPE_API_URL",
      {
        STRIPE_SECRET_KEY: "sk_test_tallyProductionStartTest",
        STRIPE_ALLOW_TEST_MODE: "1",
        STRIPE_API_URL: "http://stripe-mock.internal:12111",
      },
      "STRIPE_API_URL",
    ],
    [
      "an sk_test_ key without STRIPE_ALLOW_TEST_MODE=1",
      { STRIPE_SECRET_KEY: "sk_test_tallyProductionStartTest" },
      "STRIPE_SECRET_KEY",
    ],
    [
      "bench routes on a public deployment",
      { APP_URL: "https://tally.example.com", TALLY_BENCH_ROUTES: "1" },
      "TALLY_BENCH_ROUTES",
    ],
  ])(
    "refuses to start with %s: exits non-zero with one line naming the variable, never serves",
    async (_name, settings, variable) => {
      const started = await startProduction(settings);
      expect(started.served).toBe(false);
      expect(started.exitCode).not.toBe(0);
      expect(started.exitCode).not.toBeNull();
      const lines = refusalLines(started.stderr);
      expect(lines, started.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^\\[tally\\] refusing to start: ${variable}\\b`));
    },
    START_TIMEOUT_MS,
  );

  it.runIf(built)(
    "starts with a safe configuration (no Stripe key: checkout refuses), pages carry a nonce CSP, and SIGTERM drains and exits 0",
    async () => {
      const started = await startProduction({});
      expect(refusalLines(started.stderr)).toEqual([]);
      expect(started.served).toBe(true);
      // Next's own SIGTERM handling exits 143; the app's drain (src/server/shutdown/on-sigterm.ts) exits 0.
      expect(started.exitCode).toBe(0);
      const scriptSrc = /script-src ([^;]*)/.exec(started.authPage?.get("content-security-policy") ?? "")?.[1] ?? "";
      expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(scriptSrc).not.toContain("'unsafe-inline'");
    },
    START_TIMEOUT_MS,
  );

  it.runIf(built)(
    "starts with what the benchmark and end-to-end launchers set (test key opted in, loopback emulator, bench routes)",
    async () => {
      const started = await startProduction({
        STRIPE_SECRET_KEY: "sk_test_tallyProductionStartTest",
        STRIPE_ALLOW_TEST_MODE: "1",
        STRIPE_API_URL: "http://127.0.0.1:9",
        STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString("hex")}`,
        TALLY_BENCH_ROUTES: "1",
      });
      expect(refusalLines(started.stderr)).toEqual([]);
      expect(started.served).toBe(true);
    },
    START_TIMEOUT_MS,
  );
});

describe.skipIf(built || required)("the production server", () => {
  it.skip(`is not started: no production build in ${distDir} (npm test builds one first and then requires this suite)`, () => {});
});
