/**
 * A small load balancer for the rolling-restart run: round-robin over the instances whose
 * readiness probe (/api/health) answers 200, polled every 100 ms. A request whose connection is
 * refused or reset before any answer (the instance was closing) is sent to another instance;
 * bodies are buffered so that is possible. Nothing else is retried.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Backend {
  port: number;
  ready: boolean;
}

export interface RoundRobinProxy {
  url: string;
  backends: Backend[];
  /** Requests sent again to another instance after a refused or reset connection. */
  resent: number;
  /** Requests answered 502 because no instance took them. */
  unrouted: number;
  close(): Promise<void>;
}

function forward(backend: Backend, req: http.IncomingMessage, body: Buffer): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      resolve,
    );
    out.once("error", reject);
    out.end(body);
  });
}

export async function startRoundRobinProxy(ports: number[]): Promise<RoundRobinProxy> {
  const backends: Backend[] = ports.map((port) => ({ port, ready: false }));
  let next = 0;
  const proxy = { resent: 0, unrouted: 0 };

  const poll = setInterval(() => {
    for (const b of backends) {
      fetch(`http://127.0.0.1:${b.port}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (res) => ((b.ready = res.status === 200), void res.body?.cancel()),
        () => (b.ready = false),
      );
    }
  }, 100);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const giveUpAt = Date.now() + 15_000;
      for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
        const ready = backends.filter((b) => b.ready);
        if (ready.length === 0) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const backend = ready[next++ % ready.length]!;
        try {
          const answer = await forward(backend, req, body);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          res.once("close", () => answer.destroy());
          return;
        } catch {
          // Refused or reset before any answer: this instance is going away.
          backend.ready = false;
          proxy.resent += 1;
        }
      }
      proxy.unrouted += 1;
      res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    backends,
    get resent() {
      return proxy.resent;
    },
    get unrouted() {
      return proxy.unrouted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(poll);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
