import { randomBytes } from "node:crypto";

import { loadMigrations, migrate } from "./migrate";
import { EmbeddedDatabaseBusyError, openEmbedded } from "./open-embedded";
import { servePgliteOverTcp } from "./pglite-wire-server";
import { pgliteRunner } from "./runners";

export interface RunningOwner {
  port: number;
  /** Stops serving, closes PGlite cleanly, removes the owner file. */
  stop(): Promise<void>;
}

/**
 * Makes this process the one owner of the PGlite directory `dir`: opens and migrates it, serves
 * it over the PostgreSQL protocol on 127.0.0.1 and records port and password in the owner file, so the
 * app and every operator command reach the same instance instead of opening the files again.
 */
export async function startPgliteOwner(
  dir: string,
  opts: { port?: number; command?: string } = {},
): Promise<RunningOwner> {
  const access = await openEmbedded(dir, { command: opts.command, waitMs: 0 });
  if (access.via === "owner") {
    throw new EmbeddedDatabaseBusyError(
      `The embedded database ${dir} is already served by pid ${access.owner.pid} (${access.owner.command}) on 127.0.0.1:${access.owner.port}. ` +
        `Stop it first, or use another PGLITE_DATA_DIR.`,
    );
  }
  try {
    await migrate(pgliteRunner(access.pglite), await loadMigrations());
    const password = randomBytes(24).toString("base64url");
    const server = await servePgliteOverTcp(access.pglite, { port: opts.port, password });
    access.publish(server.port, password);
    let stopping: Promise<void> | undefined;
    return {
      port: server.port,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await server.close();
          } finally {
            await access.close();
          }
        })()),
    };
  } catch (error) {
    await access.close();
    throw error;
  }
}
