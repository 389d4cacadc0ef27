// PGlite is one Postgres session; its owner serves it to many clients. These pin the turn-taking:
// nothing of another client runs inside one client's transaction or extended-protocol cycle.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { servePgliteOverTcp, type PgliteWireServer } from "~/server/database/pglite-wire-server";

describe("PGlite wire server", () => {
  let pglite: PGlite;
  let server: PgliteWireServer;
  const clients: pg.Client[] = [];
  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    pglite = new PGlite("memory://");
    await pglite.exec("CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL)");
    server = await servePgliteOverTcp(pglite);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await server.close();
    await pglite.close();
  });

  it("another client's statements never run inside an open transaction", async () => {
    const [a, b] = [await client(), await client()];
    await a.query("BEGIN");
    await a.query("INSERT INTO t (v) VALUES (1)");
    const seenByB = b.query<{ n: string }>("SELECT count(*) AS n FROM t");
    // Plenty of round trips in which b's query could slip into a's transaction.
    for (let i = 0; i < 20; i++) await a.query("SELECT $1::int", [i]);
    await a.query("ROLLBACK");
    expect((await seenByB).rows[0]!.n).toBe("0");
  });

  it("a parameter split across TCP reads is bound to its own statement, not another client's", async () => {
    const [a, b] = [await client(), await client()];
    const big = "x".repeat(500_000);
    const results = await Promise.allSettled([
      (async () => {
        for (let i = 0; i < 40; i++)
          expect((await a.query<{ n: number }>("SELECT length($1::text) AS n", [big])).rows[0]!.n).toBe(big.length);
      })(),
      (async () => {
        for (let i = 0; i < 200; i++)
          expect((await b.query<{ n: number }>("SELECT $1::int + 1000 AS n", [i])).rows[0]!.n).toBe(i + 1000);
      })(),
    ]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  });

  it("a client that disconnects inside a transaction leaves nothing behind", async () => {
    const a = await client();
    await a.query("BEGIN");
    await a.query("INSERT INTO t (v) VALUES (42)");
    await a.end();
    const b = await client();
    expect((await b.query("SELECT count(*)::int AS n FROM t WHERE v = 42")).rows[0]).toEqual({ n: 0 });
    await b.query("BEGIN");
    await b.query("INSERT INTO t (v) VALUES (43)");
    await b.query("COMMIT");
    expect((await b.query("SELECT count(*)::int AS n FROM t WHERE v = 43")).rows[0]).toEqual({ n: 1 });
  });
});

describe("PGlite wire server with a password", () => {
  let pglite: PGlite;
  let server: PgliteWireServer;
  beforeAll(async () => {
    pglite = new PGlite("memory://");
    server = await servePgliteOverTcp(pglite, { password: "s3cret-Pa55" });
  });
  afterAll(async () => {
    await server.close();
    await pglite.close();
  });
  const connect = async (auth: string) => {
    const c = new pg.Client({ connectionString: `postgres://${auth}@127.0.0.1:${server.port}/postgres` });
    try {
      await c.connect();
      return (await c.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one;
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  it("lets in only a client that knows it", async () => {
    await expect(connect("postgres:wrong")).rejects.toThrow("password authentication failed");
    await expect(connect("postgres:s3cret-Pa55x")).rejects.toThrow("password authentication failed");
    expect(await connect("postgres:s3cret-Pa55")).toBe(1);
  });
});
