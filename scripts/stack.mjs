// Starts Tally with everything it needs on this machine:
//   node scripts/stack.mjs dev     → next dev   (npm run dev)
//   node scripts/stack.mjs start   → next start (after next build; used by Playwright and bench)
// In dev, with no real STRIPE_SECRET_KEY, it also starts the local Stripe emulator and points the app at it
// (a production server never fakes payments: without a key its checkout refuses); with no SMTP_URL, the
// local mail catcher (tools/mail-catcher) and points the app's mail at it.
// The database is migrated first: DATABASE_URL when set, else the embedded PGlite directory, which
// gets one owner process (scripts/pglite-owner.ts) shared by the app and the operator commands.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

import { unsupportedNodeMessage } from "./node-version-check.mjs";
import { databaseRemedy } from "./stack-database-remedy.mjs";

const nodeProblem = unsupportedNodeMessage(process.versions.node);
if (nodeProblem) {
  console.error(nodeProblem);
  process.exit(1);
}

const mode = process.argv[2] === "start" ? "start" : "dev";
const port = process.env.PORT ?? "3000";
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, PORT: port, NEXT_TELEMETRY_DISABLED: "1" };
// Checkout's success/cancel URLs are built from APP_URL: follow the port unless it is set explicitly.
env.APP_URL ??= `http://localhost:${port}`;
/** @type {import("node:child_process").ChildProcess[]} */
const children = [];

/**
 * The Next.js server gets the peer-address preload, so the client's address is the TCP peer's
 * unless TRUSTED_PROXY_HOPS / CLIENT_IP_HEADER say a proxy or platform reports it.
 * @param {NodeJS.ProcessEnv} e
 */
function withPeerAddress(e) {
  const preload = `--import=${path.resolve("scripts/peer-address.mjs")}`;
  return { ...e, NODE_OPTIONS: [e.NODE_OPTIONS, preload].filter(Boolean).join(" ") };
}

/** @param {string} p @returns {Promise<boolean>} */
function isPortFree(p) {
  return new Promise((resolve) => {
    const srv = net.createServer().once("error", () => resolve(false)).once("listening", () => srv.close(() => resolve(true)));
    srv.listen(Number(p), "127.0.0.1");
  });
}

/** @param {string} cmd @param {string[]} args */
function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: "inherit", env, ...opts });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!shuttingDown) {
      console.error(`[tally] ${cmd} ${args.join(" ")} exited (${signal ?? code}); stopping.`);
      shutdown(code ?? 1);
    }
  });
  return child;
}

let shuttingDown = false;
function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill("SIGTERM");
  // Wait for the children (the database owner closes PGlite cleanly), but not forever.
  const exited = running.map((c) => new Promise((resolve) => c.once("exit", resolve)));
  void Promise.all(exited).then(() => process.exit(code));
  setTimeout(() => process.exit(code), 10_000).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

const useEmulator = !env.STRIPE_SECRET_KEY && mode === "dev";
if (useEmulator) {
  const emulatorPort = env.STRIPE_EMULATOR_PORT ?? "12111";
  env.STRIPE_EMULATOR_PORT = emulatorPort;
  env.STRIPE_API_URL ??= `http://127.0.0.1:${emulatorPort}`;
  env.STRIPE_WEBHOOK_URL ??= `http://127.0.0.1:${port}/api/stripe/webhook`;
  env.STRIPE_WEBHOOK_SECRET ??= "whsec_tally_local_emulator_secret";
  mkdirSync(".data", { recursive: true });
  env.STRIPE_EMULATOR_STATE_FILE ??= ".data/stripe-emulator.json";
  if (await isPortFree(emulatorPort)) {
    run(process.execPath, ["--import", "tsx", "tools/stripe-emulator/src/main.ts"]);
  } else {
    console.log(`[tally] Port ${emulatorPort} is busy: assuming a Stripe emulator is already running there.`);
  }
  console.log(`[tally] Stripe: local emulator at ${env.STRIPE_API_URL} (test mode, no real payments).`);
} else if (!env.STRIPE_SECRET_KEY) {
  console.log("[tally] Stripe: no STRIPE_SECRET_KEY, so checkout is unavailable (production never uses the emulator).");
} else {
  console.log(`[tally] Stripe: using STRIPE_SECRET_KEY (${(env.STRIPE_SECRET_KEY ?? "").startsWith("sk_live_") ? "LIVE" : "test"} mode).`);
}

// Mail: with no SMTP_URL, a local catcher receives everything the app sends (web inbox linked in the dev header).
if (!env.SMTP_URL) {
  const smtpPort = env.MAIL_CATCHER_SMTP_PORT ?? "1025";
  const httpPort = env.MAIL_CATCHER_HTTP_PORT ?? "1080";
  env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  env.MAIL_CATCHER_URL ??= `http://127.0.0.1:${httpPort}`;
  if (await isPortFree(smtpPort)) {
    run(process.execPath, ["--import", "tsx", "tools/mail-catcher/src/main.ts"], { env: { ...env, MAIL_CATCHER_SMTP_PORT: smtpPort, MAIL_CATCHER_HTTP_PORT: httpPort } });
  } else {
    console.log(`[tally] Port ${smtpPort} is busy: assuming a mail catcher is already running there.`);
  }
  console.log(`[tally] Mail: local catcher, inbox at ${env.MAIL_CATCHER_URL} (nothing leaves this machine).`);
} else {
  console.log("[tally] Mail: SMTP_URL is set; mail goes out through it.");
}

/**
 * The embedded database (a PGlite directory) gets one owner process that every other process —
 * the app and `npm run credits`, `db:migrate`, `stripe:reconcile` — reaches over the PostgreSQL
 * protocol: two processes opening the directory themselves would corrupt it.
 * Resolves once it serves (it migrates first); false when it could not start.
 * @returns {Promise<boolean>}
 */
function startDatabaseOwner() {
  return new Promise((resolve) => {
    const owner = spawn(process.execPath, ["--import", "tsx", "scripts/pglite-owner.ts"], { stdio: ["inherit", "inherit", "inherit", "ipc"], env });
    children.push(owner);
    let ready = false;
    owner.once("message", () => {
      ready = true;
      resolve(true);
    });
    owner.on("exit", (code, signal) => {
      resolve(false);
      // Before it is ready, the failure is the start-up's to report (with its remedy).
      if (ready && !shuttingDown) {
        console.error(`[tally] the database owner exited (${signal ?? code}); stopping.`);
        shutdown(code ?? 1);
      }
    });
  });
}

function migrateOnce() {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], { stdio: "inherit", env }).status === 0;
}

const embedded = !env.DATABASE_URL && !(env.PGLITE_DATA_DIR ?? "").includes("://");
const databaseReady = embedded ? await startDatabaseOwner() : migrateOnce();
if (!databaseReady) {
  console.error(databaseRemedy({ embedded, dataDir: env.PGLITE_DATA_DIR || ".data/pglite" }));
  shutdown(1);
} else {
  const nextBin = "node_modules/next/dist/bin/next";
  if (mode === "start" && !existsSync(`${process.env.NEXT_DIST_DIR || ".next"}/BUILD_ID`)) {
    console.error("[tally] No production build: run `npm run build` first.");
    shutdown(1);
  } else {
    run(process.execPath, [nextBin, mode, "--port", port], { env: withPeerAddress(env) });
  }
}
