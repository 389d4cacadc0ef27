// The end-to-end stack: a fresh PostgreSQL database, the Stripe emulator (unless a real
// STRIPE_SECRET_KEY is set), and two `next start` instances of the production build on it.
// Started by Playwright's webServer; stops its children when Playwright stops it.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";

import pg from "pg";

import { startApp } from "../../scripts/launcher/app.mjs";
import { ensureBuild } from "../../scripts/launcher/build.mjs";
import { HARNESS_RATE_LIMITS } from "../../scripts/launcher/harness-limits.mjs";
import { createProcessGroup } from "../../scripts/launcher/process-group.mjs";
import {
  migrateDatabase,
  startMailCatcherProcess,
  startStripeEmulatorProcess,
} from "../../scripts/launcher/services.mjs";
import { E2E, EMULATOR_SECRET_KEY, appUrl, emulatorUrl, inboxUrl, lowBonusUrl, realStripe } from "./config.mjs";

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `tally_e2e_${Date.now()}`;
const group = createProcessGroup("e2e");

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
  ...HARNESS_RATE_LIMITS,
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

if (!migrateDatabase(base)) process.exit(1);

try {
  // Any current build serves the journeys (one with the benchmark routes too: they answer 404 unless switched on at start).
  const build = ensureBuild({ reuse: process.env.TALLY_E2E_PREBUILT === "1", tag: "e2e" });
  console.log(`[e2e] production build: ${build}`);
} catch {
  process.exit(1);
}

// One dead part makes every journey fail for the wrong reason: the group stops the stack so Playwright says so.
if (!realStripe) {
  // Both app instances share the database, so one webhook endpoint serves purchases made on either.
  group.add(
    "the Stripe emulator",
    startStripeEmulatorProcess({
      env: base,
      port: E2E.emulatorPort,
      webhookUrl: `${appUrl}/api/stripe/webhook`,
      webhookSecret,
    }),
  );
}
group.add(
  "the mail catcher",
  startMailCatcherProcess({ env: base, smtpPort: E2E.mailSmtpPort, httpPort: E2E.mailWebPort }),
);
group.add(
  "app",
  startApp({ server: "start", port: E2E.appPort, hostname: "127.0.0.1", env: { ...base, APP_URL: appUrl } }).child,
);
const lowBonusEnv = { ...base, APP_URL: lowBonusUrl, SIGNUP_BONUS_CREDITS: String(E2E.lowBonusCredits) };
group.add(
  "app-low-bonus",
  startApp({ server: "start", port: E2E.lowBonusPort, hostname: "127.0.0.1", env: lowBonusEnv }).child,
);

mkdirSync("e2e/.artifacts", { recursive: true });
writeFileSync(
  E2E.stateFile,
  JSON.stringify(
    {
      databaseUrl,
      appUrl,
      lowBonusUrl,
      inboxUrl,
      emulatorUrl: realStripe ? null : emulatorUrl,
      startedAt: new Date().toISOString(),
    },
    null,
    2,
  ),
);
console.log(
  `[e2e] stack on ${appUrl} and ${lowBonusUrl}; database ${dbName}${realStripe ? "; real Stripe test mode" : `; emulator ${emulatorUrl}`}`,
);
await new Promise(() => {});
