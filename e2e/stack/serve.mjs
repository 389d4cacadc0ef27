// The end-to-end stack: a fresh PostgreSQL database, the Stripe emulator (unless a real
// STRIPE_SECRET_KEY is set), and two `next start` instances of the production build on it.
// Started by Playwright's webServer; stops its children when Playwright stops it.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import pg from "pg";

import { E2E, EMULATOR_SECRET_KEY, appUrl, emulatorUrl, inboxUrl, lowBonusUrl, realStripe } from "./config.mjs";

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `tally_e2e_${Date.now()}`;
const distDir = process.env.NEXT_DIST_DIR || ".next";
const nextBin = "node_modules/next/dist/bin/next";

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
let stopping = false;
const stop = () => {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("SIGINT", () => (stop(), process.exit(0)));
process.on("SIGTERM", () => (stop(), process.exit(0)));
process.on("exit", stop);

/** A new database per run. Leftovers of earlier runs are dropped only when over an hour old, so a parallel run keeps its own. */
async function freshDatabase() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const old = await admin.query("SELECT datname FROM pg_database WHERE datname ~ '^tally_e2e_[0-9]+$'");
  for (const { datname } of old.rows) {
    if (Date.now() - Number(datname.slice("tally_e2e_".length)) > 3_600_000) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** @param {string} path @returns {number} newest mtime under path (files only). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The build exists and no source it was built from changed since. */
function buildIsCurrent() {
  const buildId = join(distDir, "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const sources = ["src", "messages", "public", "next.config.mjs", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
  return statSync(buildId).mtimeMs > Math.max(...sources.map(newestMtime));
}

const databaseUrl = await freshDatabase();
// Fresh per run: the production guard refuses secrets that are published in the repository.
const webhookSecret = `whsec_${randomBytes(24).toString("base64url")}`;
/** @type {NodeJS.ProcessEnv} */
const base = {
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
  // Purchases here are emulated or Stripe test mode: the production build must be told that is intended.
  STRIPE_ALLOW_TEST_MODE: "1",
  TALLY_LOG: process.env.TALLY_LOG ?? "silent",
  NEXT_TELEMETRY_DISABLED: "1",
  CHAT_DEMO_DELAY_MS: process.env.CHAT_DEMO_DELAY_MS ?? "15",
  // Every journey signs up and signs in from 127.0.0.1; the real limits are tested by the server suites.
  RATE_LIMIT_SIGNIN_PER_EMAIL: "1000/60",
  RATE_LIMIT_SIGNIN_PER_EMAIL_AND_IP: "1000/60",
  RATE_LIMIT_SIGNIN_PER_IP: "100000/60",
  RATE_LIMIT_SIGNUP_PER_IP: "100000/60",
  RATE_LIMIT_CHAT_PER_USER: "1000/60",
  RATE_LIMIT_CHECKOUT_PER_USER: "1000/60",
  RATE_LIMIT_ACCOUNT_MAIL: "1000/60",
  // Account mail goes to the stack's own mail catcher; journeys read it like a person reads their inbox.
  SMTP_URL: `smtp://127.0.0.1:${E2E.mailSmtpPort}`,
};
// The limits live in the database unless REDIS_URL is set; a shared Redis would carry counts across runs.
delete base.REDIS_URL;
if (!realStripe) {
  // A production build refuses to fake payments without a key, so the emulator gets a test key of its own.
  Object.assign(base, {
    STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
    STRIPE_API_URL: emulatorUrl,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
  });
}

const migrate = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], { stdio: "inherit", env: base });
if (migrate.status !== 0) process.exit(1);

const prebuilt = process.env.TALLY_E2E_PREBUILT === "1" && existsSync(join(distDir, "BUILD_ID"));
if (!prebuilt && !buildIsCurrent()) {
  console.log(`[e2e] building the app into ${distDir}`);
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: base });
  if (build.status !== 0) process.exit(1);
}

/** The peer-address preload, as scripts/stack.mjs gives it to the app: the client's address is the TCP peer's. */
const peerAddress = `--import=${join(process.cwd(), "scripts/peer-address.mjs")}`;

/** @param {string} name @param {string[]} args @param {NodeJS.ProcessEnv} env */
function start(name, args, env) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"], env });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    // One dead part makes every journey fail for the wrong reason: stop now so Playwright says so.
    console.error(`[e2e] ${name} exited (${signal ?? code}); stopping the stack.`);
    stop();
    process.exit(1);
  });
  children.push(child);
}

if (!realStripe) {
  start("stripe-emulator", ["--import", "tsx", "tools/stripe-emulator/src/main.ts"], {
    ...base,
    NODE_ENV: "development",
    STRIPE_EMULATOR_PORT: String(E2E.emulatorPort),
    // Both app instances share the database, so one webhook endpoint serves purchases made on either.
    STRIPE_WEBHOOK_URL: `${appUrl}/api/stripe/webhook`,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_EMULATOR_STATE_FILE: "",
  });
}
start("mail-catcher", ["--import", "tsx", "tools/mail-catcher/src/main.ts"], {
  ...base,
  NODE_ENV: "development",
  MAIL_CATCHER_SMTP_PORT: String(E2E.mailSmtpPort),
  MAIL_CATCHER_HTTP_PORT: String(E2E.mailWebPort),
});
start("app", [nextBin, "start", "--port", String(E2E.appPort), "--hostname", "127.0.0.1"], { ...base, NODE_OPTIONS: peerAddress, APP_URL: appUrl, PORT: String(E2E.appPort) });
start("app-low-bonus", [nextBin, "start", "--port", String(E2E.lowBonusPort), "--hostname", "127.0.0.1"], {
  ...base,
  NODE_OPTIONS: peerAddress,
  APP_URL: lowBonusUrl,
  PORT: String(E2E.lowBonusPort),
  SIGNUP_BONUS_CREDITS: String(E2E.lowBonusCredits),
});

mkdirSync("e2e/.artifacts", { recursive: true });
writeFileSync(
  E2E.stateFile,
  JSON.stringify({ databaseUrl, appUrl, lowBonusUrl, inboxUrl, emulatorUrl: realStripe ? null : emulatorUrl, startedAt: new Date().toISOString() }, null, 2),
);
console.log(`[e2e] stack on ${appUrl} and ${lowBonusUrl}; database ${dbName}${realStripe ? "; real Stripe test mode" : `; emulator ${emulatorUrl}`}`);
await new Promise(() => {});
