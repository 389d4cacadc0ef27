import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createDbHandle, type DbHandle } from "~/server/database/create-client";
import * as log from "~/server/log";

import { createEmptyPostgresDb, testDbKinds, withAdmin } from "../helpers/test-db";

describe.skipIf(!testDbKinds().includes("postgres"))("an idle database connection the server drops", () => {
  let db: { url: string; name: string; drop: () => Promise<void> };
  let handle: DbHandle;
  beforeAll(async () => {
    db = await createEmptyPostgresDb();
    handle = createDbHandle({ databaseUrl: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await handle.close();
    await db.drop();
  });

  it("is logged as a warning (no crash), and the next query gets a new connection", async () => {
    const warn = vi.spyOn(log, "logEvent");
    const [before] = await handle.db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    // As a server restart or an idle timeout would: the pool's idle connection is cut from the server side.
    await withAdmin((c) => c.query("SELECT pg_terminate_backend($1)", [before!.pid]));
    await vi.waitFor(() =>
      expect(warn).toHaveBeenCalledWith(
        "database_idle_connection_lost",
        expect.objectContaining({ code: "57P01", error: expect.stringMatching(/terminating connection/) }),
        "warn",
      ),
    );
    const [after] = await handle.db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    expect(after!.pid).not.toBe(before!.pid);
  });
});
