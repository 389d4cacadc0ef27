import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { acquireOwnership, describeThisProcess, ownerFileFor, type PgliteOwner } from "./pglite-owner-file";

/** How this process reaches an embedded database directory: through its running owner, or by owning it. */
export type EmbeddedAccess =
  | { via: "owner"; url: string; owner: PgliteOwner }
  | { via: "direct"; pglite: PGlite; publish(port: number, password: string): void; close(): Promise<void> };

export class EmbeddedDatabaseBusyError extends Error {}

export function ownerUrl(port: number, password: string | null): string {
  return `postgres://postgres${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${port}/postgres`;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function busyMessage(dir: string, owner: PgliteOwner): string {
  const who = `pid ${owner.pid} (${owner.command})`;
  return owner.port === null
    ? `The embedded database ${dir} is open in ${who}, which does not share it. Wait for it to finish or stop it; ` +
        `to run operator commands alongside the app, start the app with \`npm run dev\` or \`npm run serve\`.`
    : `The embedded database ${dir} is owned by ${who}, whose database port 127.0.0.1:${owner.port} does not answer. ` +
        `Stop that process (kill ${owner.pid}) and try again, or remove ${ownerFileFor(dir)} if it is not Tally.`;
}

/**
 * Exactly one process opens a PGlite directory. When another process owns it and serves it on
 * a port (the dev stack's database owner), this returns that port's URL; when nobody owns it,
 * this process becomes the owner and opens it. A busy owner that does not share (another
 * command, a bare `next start`) is waited for up to `waitMs`, then named in the error.
 */
export async function openEmbedded(
  dir: string,
  opts: { command?: string; waitMs?: number } = {},
): Promise<EmbeddedAccess> {
  if (dir.includes("://")) {
    // memory:// and friends live inside this process: nobody else can open them.
    const pglite = new PGlite(dir);
    return { via: "direct", pglite, publish: () => undefined, close: () => pglite.close() };
  }
  const deadline = Date.now() + (opts.waitMs ?? 5_000);
  // The owner file sits next to the directory: a fresh deployment (e.g. a container's
  // PGLITE_DATA_DIR=.data/pglite) has neither yet.
  mkdirSync(path.dirname(ownerFileFor(dir)), { recursive: true });
  for (;;) {
    const got = acquireOwnership(dir, opts.command ?? describeThisProcess());
    if (got.acquired) {
      try {
        mkdirSync(dir, { recursive: true });
        const pglite = new PGlite(dir);
        await pglite.waitReady;
        return {
          via: "direct",
          pglite,
          publish: got.publish,
          async close() {
            try {
              await pglite.close();
            } finally {
              got.release();
            }
          },
        };
      } catch (error) {
        got.release();
        throw error;
      }
    }
    const { owner } = got;
    if (owner.port !== null && (await answers(owner.port)))
      return { via: "owner", url: ownerUrl(owner.port, owner.password), owner };
    if (Date.now() >= deadline) throw new EmbeddedDatabaseBusyError(busyMessage(dir, owner));
    await new Promise((r) => setTimeout(r, 100));
  }
}
