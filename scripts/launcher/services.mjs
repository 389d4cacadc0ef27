// The helpers a stack runs beside the app, each started one way: the Stripe emulator, the mail
// catcher, the embedded database's owner, and the migration of an external database.
import { spawn, spawnSync } from "node:child_process";

/** @typedef {import("node:child_process").ChildProcess} ChildProcess */
/** @typedef {"inherit" | "ignore"} Output */

/** @param {string} script @param {NodeJS.ProcessEnv} env @param {Output} [stdout] @returns {ChildProcess} */
function tsxProcess(script, env, stdout = "inherit") {
  return spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", stdout, "inherit"], env });
}

/**
 * The local Stripe emulator (tools/stripe-emulator) as its own process.
 * @param {{ env: NodeJS.ProcessEnv, port: number | string, webhookUrl: string, webhookSecret: string, stateFile?: string }} o
 */
export function startStripeEmulatorProcess({ env, port, webhookUrl, webhookSecret, stateFile = "" }) {
  return tsxProcess("tools/stripe-emulator/src/main.ts", {
    ...env,
    NODE_ENV: "development",
    STRIPE_EMULATOR_PORT: String(port),
    STRIPE_WEBHOOK_URL: webhookUrl,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_EMULATOR_STATE_FILE: stateFile,
  });
}

/**
 * The local mail catcher (tools/mail-catcher) as its own process.
 * @param {{ env: NodeJS.ProcessEnv, smtpPort: number | string, httpPort: number | string }} o
 */
export function startMailCatcherProcess({ env, smtpPort, httpPort }) {
  return tsxProcess("tools/mail-catcher/src/main.ts", {
    ...env,
    NODE_ENV: "development",
    MAIL_CATCHER_SMTP_PORT: String(smtpPort),
    MAIL_CATCHER_HTTP_PORT: String(httpPort),
  });
}

/**
 * The embedded database (a PGlite directory) gets one owner process that every other process —
 * the app and `npm run credits`, `db:migrate`, `stripe:reconcile` — reaches over the PostgreSQL
 * protocol: two processes opening the directory themselves would corrupt it.
 * `ready` resolves with its port once it serves (it migrates first), null when it could not start.
 * @param {NodeJS.ProcessEnv} env
 * @param {"inherit" | "pipe"} [output] its stdout and stderr
 * @returns {{ child: ChildProcess, ready: Promise<number | null> }}
 */
export function startDatabaseOwner(env, output = "inherit") {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/pglite-owner.ts"], {
    stdio: ["ignore", output, output, "ipc"],
    env,
  });
  /** @type {Promise<number | null>} */
  const ready = new Promise((resolve) => {
    child.once("message", (/** @type {{ port: number }} */ m) => resolve(m.port));
    child.once("exit", () => resolve(null));
  });
  return { child, ready };
}

/** Whether the settings point at the embedded database (no DATABASE_URL, a PGlite directory on disk). @param {NodeJS.ProcessEnv} env */
export function usesEmbeddedDatabase(env) {
  return !env.DATABASE_URL && !(env.PGLITE_DATA_DIR ?? "").includes("://");
}

/** Applies prisma/migrations to the database the settings name; true on success. @param {NodeJS.ProcessEnv} env */
export function migrateDatabase(env) {
  return (
    spawnSync(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], { stdio: "inherit", env }).status === 0
  );
}
