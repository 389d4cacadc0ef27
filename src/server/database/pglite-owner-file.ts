import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The owner file beside a PGlite data directory (`<dir>.owner.json`): which process has the
 * directory open, and the port it serves it on when it shares it. PGlite allows exactly one
 * process per directory; this file is how every other process finds out who that is.
 */
export interface PgliteOwner {
  pid: number;
  /** What the owner is, for people: "npm run dev", "npm run credits", … */
  command: string;
  /** 127.0.0.1 port of the owner's PostgreSQL-protocol server; null when it does not share. */
  port: number | null;
  /** The password that server asks for: the file is readable by its user only, the port by anyone on the host. */
  password: string | null;
  startedAt: string;
}

export type Acquired = { acquired: true; file: string; publish(port: number, password: string): void; release(): void };
export type Refused = { acquired: false; owner: PgliteOwner };

export function ownerFileFor(dir: string): string {
  return `${path.resolve(dir)}.owner.json`;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A short human name of this process for the owner file and the errors that quote it. */
export function describeThisProcess(): string {
  const script = process.env.npm_lifecycle_event;
  if (script) return `npm run ${script}`;
  return ["node", ...process.argv.slice(1).map((a) => path.basename(a))].join(" ").slice(0, 120);
}

export function readOwner(file: string): PgliteOwner | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: Partial<PgliteOwner> = {};
  try {
    parsed = JSON.parse(text) as Partial<PgliteOwner>;
  } catch {
    // reported below
  }
  if (typeof parsed.pid !== "number")
    throw new Error(`${file} is not a PGlite owner file: remove it if no Tally process is running.`);
  return {
    pid: parsed.pid,
    command: String(parsed.command ?? "unknown"),
    port: typeof parsed.port === "number" ? parsed.port : null,
    password: typeof parsed.password === "string" ? parsed.password : null,
    startedAt: String(parsed.startedAt ?? ""),
  };
}

/** Writes `content` to `file` only if it does not exist: link(2) of a complete temp file is atomic and never half-written. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

function unlinkIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Removes the owner file of a dead process. Two processes may find the same stale file at once:
 * the takeover file makes only one of them remove it, and it checks again that the file is still
 * the dead one's (the other may already have replaced it with its own).
 */
function removeStale(file: string, stalePid: number): void {
  const takeover = `${file}.takeover`;
  if (!createExclusive(takeover, JSON.stringify({ pid: process.pid }))) {
    const holder = readOwner(takeover);
    if (holder && !isProcessAlive(holder.pid)) unlinkIfExists(takeover);
    return; // the caller retries
  }
  try {
    if (readOwner(file)?.pid === stalePid) unlinkIfExists(file);
  } finally {
    unlinkIfExists(takeover);
  }
}

/**
 * Makes this process the owner of `dir`, or says who is. A file left by a dead process is taken
 * over. The file is removed again by release(), or when this process exits.
 */
export function acquireOwnership(dir: string, command = describeThisProcess()): Acquired | Refused {
  const file = ownerFileFor(dir);
  const me: PgliteOwner = {
    pid: process.pid,
    command,
    port: null,
    password: null,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(file, JSON.stringify(me))) {
      const release = () => {
        process.off("exit", release);
        if (readOwner(file)?.pid === process.pid) unlinkIfExists(file);
      };
      process.on("exit", release);
      return {
        acquired: true,
        file,
        publish(port, password) {
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, JSON.stringify({ ...me, port, password }), { mode: 0o600 });
          renameSync(tmp, file);
        },
        release,
      };
    }
    const owner = readOwner(file);
    if (owner === null) continue; // released meanwhile
    if (owner.pid === process.pid) throw new Error(`This process already has the PGlite database ${dir} open.`);
    if (isProcessAlive(owner.pid)) return { acquired: false, owner };
    removeStale(file, owner.pid);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // let a concurrent takeover finish
  }
  throw new Error(`Could not take over ${file}; remove it if no Tally process is running.`);
}
