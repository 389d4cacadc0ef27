// The end-to-end stack: a fresh PostgreSQL database, the Stripe emulator (unless a real
// STRIPE_SECRET_KEY is set), and two `next start` instances of the production build on it.
// Started by Playwright's webServer; stops its children when Playwright stops it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

import pg from "pg";

import { E2E, appUrl, emulatorUrl, lowBonusUrl, realStripe } from "./config.mjs";

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `tally_e2e_${Date.now()}`;
/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
const stop = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("SIGINT", () => (stop(), process.exit(0)));
process.on("SIGTERM", () => (stop(), process.exit(0)));
process.on("exit", stop);

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const old = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'tally_e2e_%'");
  for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

const databaseUrl = await freshDatabase();
/** @type {NodeJS.ProcessEnv} */
const base = {
  ...process.env,
  NODE_ENV: "production",
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: process.env.AUTH_SECRET ?? "tally-e2e-auth-secret-0123456789abcdef0123",
  TALLY_LOG: process.env.TALLY_LOG ?? "silent",
  CHAT_DEMO_DELAY_MS: process.env.CHAT_DEMO_DELAY_MS ?? "15",
};
if (!realStripe) {
  Object.assign(base, {
    STRIPE_API_URL: emulatorUrl,
    STRIPE_WEBHOOK_SECRET: "whsec_tally_e2e_secret",
  });
}

const migrate = spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], { stdio: "inherit", env: base });
if (migrate.status !== 0) process.exit(1);

if (process.env.TALLY_E2E_PREBUILT !== "1" || !existsSync(`${process.env.NEXT_DIST_DIR || ".next"}/BUILD_ID`)) {
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env: base });
  if (build.status !== 0) process.exit(1);
}

/** @param {string} name @param {string[]} args @param {NodeJS.ProcessEnv} env */
function start(name, args, env) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"], env });
  child.on("exit", (code) => console.error(`[e2e] ${name} exited with ${code}`));
  children.push(child);
}

if (!realStripe) {
  start("stripe-emulator", ["--import", "tsx", "tools/stripe-emulator/src/main.ts"], {
    ...base,
    STRIPE_EMULATOR_PORT: String(E2E.emulatorPort),
    STRIPE_WEBHOOK_URL: `${appUrl}/api/stripe/webhook`,
    STRIPE_WEBHOOK_SECRET: base.STRIPE_WEBHOOK_SECRET,
  });
}
const nextBin = "node_modules/next/dist/bin/next";
start("app", [nextBin, "start", "--port", String(E2E.appPort), "--hostname", "127.0.0.1"], { ...base, APP_URL: appUrl, PORT: String(E2E.appPort) });
start("app-low-bonus", [nextBin, "start", "--port", String(E2E.lowBonusPort), "--hostname", "127.0.0.1"], {
  ...base,
  APP_URL: lowBonusUrl,
  PORT: String(E2E.lowBonusPort),
  SIGNUP_BONUS_CREDITS: String(E2E.lowBonusCredits),
});

mkdirSync("e2e/.artifacts", { recursive: true });
writeFileSync(E2E.stateFile, JSON.stringify({ databaseUrl, appUrl, lowBonusUrl, emulatorUrl: realStripe ? null : emulatorUrl }, null, 2));
console.log(`[e2e] stack on ${appUrl} and ${lowBonusUrl}; database ${dbName}${realStripe ? "; real Stripe test mode" : `; emulator ${emulatorUrl}`}`);
await new Promise(() => {});
