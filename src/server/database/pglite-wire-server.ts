import { timingSafeEqual } from "node:crypto";
import { createServer, type AddressInfo, type Socket } from "node:net";

import type { PGlite } from "@electric-sql/pglite";

/**
 * Serves one PGlite instance to many PostgreSQL clients (node-postgres, Prisma's pg adapter).
 *
 * PGlite is a single Postgres session, so the clients take turns: a connection holds the session
 * from its first message until the session is idle again — ReadyForQuery with status 'I', i.e.
 * after a whole extended-protocol cycle (Parse … Sync) and outside any transaction. Nothing of
 * another connection runs inside that turn. (@electric-sql/pglite-socket 0.2.17 takes turns per
 * message instead, so a Bind that arrives in a later TCP read can meet another client's Parse.)
 */
export interface PgliteWireServer {
  port: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);
const ROLLBACK = queryMessage("ROLLBACK");
const ASK_CLEARTEXT_PASSWORD = Uint8Array.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);
const MAX_STARTUP_LENGTH = 10_000;

function fatal(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, "utf8");
  const msg = Buffer.alloc(5 + fields.length);
  msg.write("E", 0, "latin1");
  msg.writeInt32BE(4 + fields.length, 1);
  fields.copy(msg, 5);
  return msg;
}

function samePassword(message: Buffer, password: string): boolean {
  const given = message.subarray(5, message.length - 1); // 'p' len <password> \0
  const expected = Buffer.from(password, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const msg = Buffer.alloc(5 + text.length);
  msg.write("Q", 0, "latin1");
  msg.writeInt32BE(4 + text.length, 1);
  text.copy(msg, 5);
  return msg;
}

interface Conn {
  socket: Socket;
  /** Last bytes the backend sent this connection: a trailing ReadyForQuery says where the session stands. */
  tail: Buffer;
  closed: boolean;
}

/** FIFO turns on the one session. */
class SessionTurns {
  private holder: Conn | null = null;
  private waiting: { conn: Conn; go: () => void }[] = [];

  async take(conn: Conn): Promise<void> {
    if (this.holder === conn) return;
    if (this.holder === null) {
      this.holder = conn;
      return;
    }
    await new Promise<void>((go) => this.waiting.push({ conn, go }));
  }

  holds(conn: Conn): boolean {
    return this.holder === conn;
  }

  give(conn: Conn): void {
    if (this.holder !== conn) return;
    const next = this.waiting.shift();
    this.holder = next?.conn ?? null;
    next?.go();
  }
}

/** 'Z' 00 00 00 05 <status>: the backend waits for the next command; status 'I' idle, 'T' in a transaction, 'E' failed one. */
function readyStatus(tail: Buffer): string | null {
  if (tail.length < 6) return null;
  const z = tail.subarray(tail.length - 6);
  return z[0] === 0x5a && z.readInt32BE(1) === 5 ? String.fromCharCode(z[5]!) : null;
}

/** With `password`, clients must send it (cleartext, over loopback) before they reach the database. */
export async function servePgliteOverTcp(
  pglite: PGlite,
  opts: { port?: number; host?: string; password?: string } = {},
): Promise<PgliteWireServer> {
  await pglite.waitReady;
  const turns = new SessionTurns();
  const sockets = new Set<Socket>();
  /** Each open connection's queue of work, so close() can wait for it to drain. */
  const chains = new Map<Socket, Promise<void>>();

  const exec = (conn: Conn | null, message: Uint8Array) =>
    pglite.runExclusive(() =>
      pglite.execProtocolRawStream(message, {
        onRawData(data) {
          if (!conn) return;
          const copy = Buffer.from(data);
          conn.tail = Buffer.concat([conn.tail, copy]).subarray(-6);
          if (!conn.closed && conn.socket.writable) conn.socket.write(copy);
        },
      }),
    );

  async function handle(conn: Conn, message: Uint8Array): Promise<void> {
    if (conn.closed) return;
    await turns.take(conn);
    if (conn.closed) return; // cleanup() gives the turn back
    await exec(conn, message);
    if (readyStatus(conn.tail) === "I") turns.give(conn);
  }

  /** A client gone mid-turn must not leave its half-finished cycle or open transaction to the next one. */
  async function cleanup(conn: Conn): Promise<void> {
    if (!turns.holds(conn)) return;
    try {
      if (readyStatus(conn.tail) === null) await exec(null, SYNC);
      if (pglite.isInTransaction()) await exec(null, ROLLBACK);
    } finally {
      turns.give(conn);
    }
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const conn: Conn = { socket, tail: Buffer.alloc(0), closed: false };
    let pending: Buffer = Buffer.alloc(0);
    let phase: "startup" | "password" | "ready" = "startup";
    let startup: Uint8Array | undefined;
    // Messages of one connection run strictly in order.
    const enqueue = (message: Uint8Array) => {
      chains.set(
        socket,
        (chains.get(socket) ?? Promise.resolve()).then(() => handle(conn, message)).catch(() => void socket.destroy()),
      );
    };

    socket.on("data", (data: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      for (;;) {
        if (phase === "startup") {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (length < 8 || length > MAX_STARTUP_LENGTH) return void socket.destroy();
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          const message = Uint8Array.from(pending.subarray(0, length));
          pending = pending.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N");
          } else if (code === CANCEL_REQUEST) {
            return void socket.end(); // no backend process to signal
          } else if (opts.password) {
            startup = message;
            phase = "password";
            socket.write(ASK_CLEARTEXT_PASSWORD);
          } else {
            phase = "ready";
            enqueue(message);
          }
          continue;
        }
        if (pending.length < 5) return;
        const length = 1 + pending.readInt32BE(1);
        if (length < 5) return void socket.destroy();
        if (pending.length < length) return;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (phase === "password") {
          if (message[0] !== 0x70 /* PasswordMessage */ || !samePassword(message, opts.password!)) {
            return void socket.end(fatal("28P01", "password authentication failed"));
          }
          phase = "ready";
          enqueue(startup!);
          continue;
        }
        if (message[0] === 0x58 /* Terminate */) return void socket.end();
        enqueue(Uint8Array.from(message));
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      conn.closed = true;
      sockets.delete(socket);
      const last = (chains.get(socket) ?? Promise.resolve()).then(() => cleanup(conn)).catch(() => undefined);
      chains.set(socket, last);
      void last.then(() => chains.get(socket) === last && chains.delete(socket));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await Promise.all(chains.values());
    },
  };
}
