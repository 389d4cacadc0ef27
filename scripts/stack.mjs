// Starts Tally with everything it needs on this machine:
//   node scripts/stack.mjs dev     → next dev   (npm run dev)
//   node scripts/stack.mjs start   → next start (after next build; npm run serve)
// In dev, with no real STRIPE_SECRET_KEY, it also starts the local Stripe emulator and points the app at it
// (a production server never fakes payments: without a key its checkout refuses); with no SMTP_URL, the
// local mail catcher (tools/mail-catcher) and points the app's mail at it.
// The database is migrated first: DATABASE_URL when set, else the embedded PGlite directory, which
// gets one owner process (scripts/pglite-owner.ts) shared by the app and the operator commands.
// Every part is started by the launcher modules in scripts/launcher/, as e2e, load and bench start theirs.
import { mkdirSync } from "node:fs";

import { missingBuild, startApp } from "./launcher/app.mjs";
import { isPortFree } from "./launcher/ports.mjs";
import { createProcessGroup } from "./launcher/process-group.mjs";
import {
  migrateDatabase,
  startDatabaseOwner,
  startMailCatcherProcess,
  startStripeEmulatorProcess,
  usesEmbeddedDatabase,
} from "./launcher/services.mjs";

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
const group = createProcessGroup("tally");

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
    const emulator = startStripeEmulatorProcess({
      env,
      port: emulatorPort,
      webhookUrl: env.STRIPE_WEBHOOK_URL,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      stateFile: env.STRIPE_EMULATOR_STATE_FILE,
    });
    group.add("the Stripe emulator", emulator);
  } else {
    console.log(`[tally] Port ${emulatorPort} is busy: assuming a Stripe emulator is already running there.`);
  }
  console.log(`[tally] Stripe: local emulator at ${env.STRIPE_API_URL} (test mode, no real payments).`);
} else if (!env.STRIPE_SECRET_KEY) {
  console.log("[tally] Stripe: no STRIPE_SECRET_KEY, so checkout is unavailable (production never uses the emulator).");
} else {
  console.log(
    `[tally] Stripe: using STRIPE_SECRET_KEY (${(env.STRIPE_SECRET_KEY ?? "").startsWith("sk_live_") ? "LIVE" : "test"} mode).`,
  );
}

// Mail: with no SMTP_URL, a local catcher receives everything the app sends (web inbox linked in the dev header).
if (!env.SMTP_URL) {
  const smtpPort = env.MAIL_CATCHER_SMTP_PORT ?? "1025";
  const httpPort = env.MAIL_CATCHER_HTTP_PORT ?? "1080";
  env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  env.MAIL_CATCHER_URL ??= `http://127.0.0.1:${httpPort}`;
  if (await isPortFree(smtpPort)) {
    group.add("the mail catcher", startMailCatcherProcess({ env, smtpPort, httpPort }));
  } else {
    console.log(`[tally] Port ${smtpPort} is busy: assuming a mail catcher is already running there.`);
  }
  console.log(`[tally] Mail: local catcher, inbox at ${env.MAIL_CATCHER_URL} (nothing leaves this machine).`);
} else {
  console.log("[tally] Mail: SMTP_URL is set; mail goes out through it.");
}

/** @returns {Promise<boolean>} */
async function prepareDatabase() {
  if (!usesEmbeddedDatabase(env)) return migrateDatabase(env);
  const owner = startDatabaseOwner(env);
  group.add("the database owner", owner.child, owner.ready);
  return (await owner.ready) !== null;
}

if (!(await prepareDatabase())) {
  console.error(
    databaseRemedy({ embedded: usesEmbeddedDatabase(env), dataDir: env.PGLITE_DATA_DIR || ".data/pglite" }),
  );
  group.stopAll(1);
} else if (mode === "start" && missingBuild("start", env)) {
  console.error("[tally] No production build: run `npm run build` first.");
  group.stopAll(1);
} else {
  group.add(`next ${mode}`, startApp({ server: mode, port, env, stdio: "inherit" }).child);
}
