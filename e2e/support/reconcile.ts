import { spawn } from "node:child_process";

import { EMULATOR_SECRET_KEY, emulatorUrl, realStripe } from "../stack/config.mjs";

import { stackState } from "./stack";

export interface ReconcileRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run stripe:reconcile` as an operator runs it, against this run's database and Stripe (or the emulator). */
export function runReconcile(): Promise<ReconcileRun> {
  // Not NODE_ENV=production: the script runs like an operator's shell, with the emulator allowed.
  const { NODE_ENV: _ignored, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    DATABASE_URL: stackState().databaseUrl,
    TALLY_LOG: "silent",
  };
  if (!realStripe) Object.assign(env, { STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY, STRIPE_API_URL: emulatorUrl });
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "stripe:reconcile"], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The counts from the reconciler's last line: "N fulfilled, N already credited, N skipped". */
export function reconcileSummary(stdout: string): { fulfilled: number; alreadyCredited: number; skipped: number } {
  const m = /(\d+) fulfilled, (\d+) already credited, (\d+) skipped/.exec(stdout);
  if (!m) throw new Error(`no reconcile summary in:\n${stdout}`);
  return { fulfilled: Number(m[1]), alreadyCredited: Number(m[2]), skipped: Number(m[3]) };
}
