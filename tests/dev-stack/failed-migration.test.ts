import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(path.join(os.tmpdir(), "tally-failed-migration-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `npm run dev`'s launcher until it exits; a real key and SMTP_URL keep the emulator and catcher out of it. */
function runDev(extraEnv: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const { DATABASE_URL: _db, PGLITE_DATA_DIR: _dir, ...inherited } = process.env;
    const child = spawn(process.execPath, ["scripts/stack.mjs", "dev"], {
      cwd: root,
      env: {
        ...inherited,
        NODE_ENV: "development",
        PORT: "3345",
        STRIPE_SECRET_KEY: "sk_test_failed_migration",
        SMTP_URL: "smtp://127.0.0.1:3346",
        ...extraEnv,
      },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (status) => resolve({ status, output }));
  });
}

describe("npm run dev when the database cannot be migrated", () => {
  it("exits non-zero with a one-line remedy (PostgreSQL unreachable)", async () => {
    const { status, output } = await runDev({ DATABASE_URL: "postgres://tally@127.0.0.1:1/tally" });
    expect(status).not.toBe(0);
    expect(output).toContain("db:migrate failed");
    expect(output).toMatch(
      /^\[tally\] The database at DATABASE_URL could not be migrated .*Fix: .*npm run db:migrate/m,
    );
  });

  it("exits non-zero with a one-line remedy (embedded database cannot be opened)", async () => {
    const notADirectory = path.join(scratch, "a-file");
    writeFileSync(notADirectory, "");
    const dataDir = path.join(notADirectory, "pglite");
    const { status, output } = await runDev({ PGLITE_DATA_DIR: dataDir });
    expect(status).not.toBe(0);
    expect(output).toContain(`[tally] The embedded database (${dataDir}) could not be opened or migrated`);
    expect(output).not.toContain("Starting");
  });
});
