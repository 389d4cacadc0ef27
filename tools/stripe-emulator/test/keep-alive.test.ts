import http from "node:http";

import { afterAll, beforeAll, expect, it } from "vitest";

import { startStripeEmulator, type RunningEmulator } from "../src/index";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, webhookSecret: "whsec_keep_alive_test" });
});
afterAll(() => emulator.close());

/** GETs a list over `agent`; resolves with the local port of the connection that carried it. */
function listPrices(agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: "127.0.0.1",
        port: emulator.port,
        path: "/v1/prices",
        agent,
        headers: { authorization: "Bearer sk_test_x" },
      },
      (res) => {
        const localPort = res.socket.localPort!;
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve(localPort) : reject(new Error(`${res.statusCode}`))));
      },
    );
    req.on("error", reject);
  });
}

it("keeps an idle keep-alive connection open past Node's default (5 s, closed at ~6 s), so a client's next burst reuses it", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await listPrices(agent);
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(await listPrices(agent)).toBe(first);
  } finally {
    agent.destroy();
  }
}, 15_000);
