// Starts Tally with everything it needs on this machine:
//   node scripts/stack.mjs dev     → next dev   (npm run dev)
//   node scripts/stack.mjs start   → next start (after next build; used by Playwright and bench)
// With no real STRIPE_SECRET_KEY it also starts the local Stripe emulator and points the app at it;
// with no SMTP_URL, the local mail catcher (tools/mail-catcher) and points the app's mail at it.
// The database is migrated first (embedded PGlite by default, DATABASE_URL when set).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

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
  shuttingDown = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 300).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

const useEmulator = !env.STRIPE_SECRET_KEY;
if (useEmulator) {
  const emulatorPort = env.STRIPE_EMULATOR_PORT ?? "12111";
  env.STRIPE_EMULATOR_PORT = emulatorPort;
  env.STRIPE_API_URL ??= `http://127.0.0.1:${emulatorPort}`;
  env.STRIPE_WEBHOOK_URL ??= `http://127.0.0.1:${port}/api/stripe/webhook`;
  env.STRIPE_WEBHOOK_SECRET ??= "whsec_tally_local_emulator_secret";
  if (mode === "dev") {
    mkdirSync(".data", { recursive: true });
    env.STRIPE_EMULATOR_STATE_FILE ??= ".data/stripe-emulator.json";
  }
  if (await isPortFree(emulatorPort)) {
    run(process.execPath, ["--import", "tsx", "tools/stripe-emulator/src/main.ts"]);
  } else {
    console.log(`[tally] Port ${emulatorPort} is busy: assuming a Stripe emulator is already running there.`);
  }
  console.log(`[tally] Stripe: local emulator at ${env.STRIPE_API_URL} (test mode, no real payments).`);
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

const migrated = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], { stdio: "inherit", env });
if (migrated.status !== 0) {
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
