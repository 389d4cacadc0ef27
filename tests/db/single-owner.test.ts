// One owner per embedded database: PGlite allows one process per data directory, so the dev
// stack's owner process serves it and the app and every operator command connect to that owner;
// anything that would open the directory a second time is refused with a message naming the owner.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { grant } from "~/server/credits/ledger";
import { createDbHandle, type DbHandle } from "~/server/database/create-client";
import { ownerFileFor, readOwner } from "~/server/database/pglite-owner-file";

import { startDatabaseOwner } from "../../scripts/launcher/services.mjs";
import { startStripeEmulator, type RunningEmulator } from "../../tools/stripe-emulator/src/index";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createUser, ledgerSum } from "../helpers/users";

const SLOW = 240_000;

interface Owner {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The dev stack's database owner (scripts/pglite-owner.ts) as a real child process; resolves once it serves. */
async function startOwner(dir: string): Promise<Owner> {
  const { child, ready } = startDatabaseOwner({ ...process.env, PGLITE_DATA_DIR: dir }, "pipe");
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const port = await ready;
  if (port === null) throw new Error(`owner exited (${child.exitCode}): ${output}`);
  return {
    child,
    port,
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an operator script exactly as `npm run …` does (node --import tsx scripts/…). */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}`, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: ScriptRun = { code: null, stdout: "", stderr: "" };
  child.stdout!.on("data", (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (run.stderr += d.toString()));
  return exited(child).then((code) => ({ ...run, code }));
}

async function balanceOf(h: DbHandle, userId: string): Promise<number> {
  return (await h.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
}

describe("one owner per embedded database", () => {
  let root: string;
  let emulator: RunningEmulator;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "tally-owner-"));
    emulator = await startStripeEmulator({ port: 0, webhookSecret: "whsec_tally_single_owner" });
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  });

  it(
    "the app and every operator command, run at once, share the owner; after a restart every row is there",
    async () => {
      const dir = path.join(root, "shared");
      const env = { PGLITE_DATA_DIR: dir, STRIPE_API_URL: emulator.url };
      let owner = await startOwner(dir);
      expect(readOwner(ownerFileFor(dir))).toMatchObject({
        pid: owner.child.pid,
        port: owner.port,
        password: expect.any(String) as string,
      });
      // The port answers anyone on the host; the password to use it is readable by this user only.
      expect(statSync(ownerFileFor(dir)).mode & 0o077).toBe(0);

      // The app's side: the same createDbHandle the Next server uses, reaching the owner.
      let app = createDbHandle({ pgliteDir: dir });
      const user = await createUser(app.db, "owner-test@test.local");
      await grant(app.db, { userId: user.id, amount: 1000, reason: "adjustment", refType: "operator", refId: "seed" });

      const appGrants = Array.from({ length: 30 }, (_, i) =>
        grant(app.db, { userId: user.id, amount: 1, reason: "adjustment", refType: "operator", refId: `app-${i}` }),
      );
      const [show, grantA, grantB, migrate, reconcile] = await Promise.all([
        runScript("credits.ts", ["show", user.email], env),
        runScript("credits.ts", ["grant", user.email, "100", "--reason", "first", "--ref", "script-a"], env),
        runScript("credits.ts", ["grant", user.email, "200", "--reason", "second", "--ref", "script-b"], env),
        runScript("db-migrate.ts", [], env),
        runScript("stripe-reconcile.ts", [], env),
        ...appGrants,
      ]);
      for (const run of [show, grantA, grantB, migrate, reconcile])
        expect(run.stderr.replace(/^\[tally\] AUTH_SECRET.*\n/m, "")).toBe("");
      expect([show.code, grantA.code, grantB.code, migrate.code, reconcile.code]).toEqual([0, 0, 0, 0, 0]);
      expect(show.stdout).toContain(`${user.email}: balance`);
      expect(grantA.stdout).toContain("Granted 100 credits");
      expect(grantB.stdout).toContain("Granted 200 credits");
      expect(migrate.stdout).toMatch(new RegExp(`through pid ${owner.child.pid}\\): 0 applied`));

      const expected = 1000 + 30 + 100 + 200;
      expect(await balanceOf(app, user.id)).toBe(expected);
      expect(await ledgerInvariantViolations(app.db)).toEqual([]);
      const ledgerRows = await app.db.creditLedger.count({ where: { userId: user.id } });

      await app.close();
      await owner.stop();
      expect(existsSync(ownerFileFor(dir))).toBe(false);

      owner = await startOwner(dir);
      app = createDbHandle({ pgliteDir: dir });
      try {
        expect(await app.db.creditLedger.count({ where: { userId: user.id } })).toBe(ledgerRows);
        expect(ledgerRows).toBe(1 + 30 + 2);
        expect(await ledgerSum(app.db, user.id)).toBe(expected);
        expect(await balanceOf(app, user.id)).toBe(expected);
        const again = await runScript("credits.ts", ["show", user.email], env);
        expect(again.stdout).toContain(`balance ${expected},`);
      } finally {
        await app.close();
        await owner.stop();
      }
    },
    SLOW,
  );

  it(
    "a process that would open the directory while another has it gets a one-line error naming the owner",
    async () => {
      const dir = path.join(root, "busy");
      // This test process opens the directory itself, as a bare `next start` would.
      const direct = createDbHandle({ pgliteDir: dir });
      const user = await createUser(direct.db, "busy@test.local");
      const env = { PGLITE_DATA_DIR: dir };

      const [credits, migrate, secondOwner] = await Promise.all([
        runScript("credits.ts", ["grant", user.email, "5", "--reason", "must not land"], env),
        runScript("db-migrate.ts", [], env),
        runScript("pglite-owner.ts", [], env),
      ]);
      for (const run of [credits, migrate, secondOwner]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`is open in pid ${process.pid} (`);
        expect(run.stderr).toContain("npm run dev");
      }
      // The refused grant wrote nothing, and the directory is intact for its owner.
      expect(await direct.db.creditLedger.count()).toBe(0);
      expect(await direct.db.user.count()).toBe(1);
      await direct.close();
      expect(existsSync(ownerFileFor(dir))).toBe(false);

      // Released: the next command opens it.
      const after = await runScript("credits.ts", ["grant", user.email, "5", "--reason", "now it lands"], env);
      expect(after.code).toBe(0);
      expect(after.stdout).toContain("Granted 5 credits");
    },
    SLOW,
  );

  it(
    "the app refuses a directory held by a live process that does not share it, and opens it once that process is gone",
    async () => {
      const dir = path.join(root, "held");
      const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      writeFileSync(
        ownerFileFor(dir),
        JSON.stringify({ pid: holder.pid, command: "npm run credits", port: null, startedAt: "" }),
      );
      const app = createDbHandle({ pgliteDir: dir });
      try {
        await expect(app.db.user.count()).rejects.toThrow(`is open in pid ${holder.pid} (npm run credits)`);
        holder.kill("SIGKILL");
        await exited(holder);
        expect(await app.db.user.count()).toBe(0);
        expect(readOwner(ownerFileFor(dir))?.pid).toBe(process.pid);
      } finally {
        holder.kill("SIGKILL");
        await app.close();
      }
    },
    SLOW,
  );

  it(
    "the owner file of a process that died is taken over",
    async () => {
      const dir = path.join(root, "stale");
      const dead = spawnSync(process.execPath, ["-e", ""]).pid;
      writeFileSync(ownerFileFor(dir), JSON.stringify({ pid: dead, command: "npm run dev", port: 1, startedAt: "" }));
      const h = createDbHandle({ pgliteDir: dir });
      try {
        expect(await h.db.user.count()).toBe(0);
        expect(readOwner(ownerFileFor(dir))?.pid).toBe(process.pid);
      } finally {
        await h.close();
      }
      expect(existsSync(ownerFileFor(dir))).toBe(false);
    },
    SLOW,
  );

  it(
    "a data directory whose parent does not exist yet (a fresh container's .data/pglite) is created and opened",
    async () => {
      const dir = path.join(root, "fresh-parent", "pglite");
      const h = createDbHandle({ pgliteDir: dir });
      try {
        expect(await h.db.user.count()).toBe(0);
        expect(existsSync(path.join(dir, "PG_VERSION"))).toBe(true);
      } finally {
        await h.close();
      }
    },
    SLOW,
  );
});
