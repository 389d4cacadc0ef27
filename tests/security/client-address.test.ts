import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addressKey, clientAddress, PEER_ADDRESS_HEADER, type AddressSource } from "~/server/net/client-address";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";

const direct: AddressSource = { kind: "direct" };
const oneProxy: AddressSource = { kind: "proxies", hops: 1 };
const twoProxies: AddressSource = { kind: "proxies", hops: 2 };
const cloudflare: AddressSource = { kind: "header", header: "cf-connecting-ip" };
const vercel: AddressSource = { kind: "header", header: "x-vercel-forwarded-for" };

describe("client address derivation", () => {
  it.each<[string, AddressSource, Record<string, string>, boolean, string]>([
    ["direct: the stamped TCP peer", direct, { [PEER_ADDRESS_HEADER]: "198.51.100.7" }, true, "198.51.100.7"],
    [
      "direct: a client-sent X-Forwarded-For is ignored",
      direct,
      { [PEER_ADDRESS_HEADER]: "198.51.100.7", "x-forwarded-for": "1.2.3.4" },
      true,
      "198.51.100.7",
    ],
    [
      "direct: a platform header sent by the client is ignored",
      direct,
      { [PEER_ADDRESS_HEADER]: "198.51.100.7", "x-real-ip": "1.2.3.4" },
      true,
      "198.51.100.7",
    ],
    [
      "direct: a peer header is not trusted without the preload",
      direct,
      { [PEER_ADDRESS_HEADER]: "1.2.3.4" },
      false,
      "unknown",
    ],
    ["direct: IPv4-mapped IPv6 peer", direct, { [PEER_ADDRESS_HEADER]: "::ffff:198.51.100.7" }, true, "198.51.100.7"],
    [
      "direct: IPv6 peer grouped by /64",
      direct,
      { [PEER_ADDRESS_HEADER]: "2001:db8:0a:b::1234" },
      true,
      "2001:db8:a:b::/64",
    ],
    [
      "one proxy: the entry it appended, not the client's first hop",
      oneProxy,
      { "x-forwarded-for": "6.6.6.6, 203.0.113.9" },
      true,
      "203.0.113.9",
    ],
    ["one proxy: no spoof, one entry", oneProxy, { "x-forwarded-for": "203.0.113.9" }, false, "203.0.113.9"],
    [
      "two proxies: second from the right",
      twoProxies,
      { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" },
      false,
      "203.0.113.9",
    ],
    [
      "one proxy: a garbage entry is no address",
      oneProxy,
      { "x-forwarded-for": "1.2.3.4, not-an-ip" },
      false,
      "unknown",
    ],
    [
      "one proxy: IPv6 with port in brackets",
      oneProxy,
      { "x-forwarded-for": "[2001:db8::1]:443" },
      false,
      "2001:db8:0:0::/64",
    ],
    ["one proxy: IPv4 with port", oneProxy, { "x-forwarded-for": "203.0.113.9:5123" }, false, "203.0.113.9"],
    [
      "one proxy: an oversized header is refused",
      oneProxy,
      { "x-forwarded-for": `${"1.1.1.1, ".repeat(400)}203.0.113.9` },
      false,
      "unknown",
    ],
    [
      "cloudflare: CF-Connecting-IP wins over X-Forwarded-For",
      cloudflare,
      { "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "6.6.6.6" },
      true,
      "203.0.113.9",
    ],
    ["cloudflare: missing header", cloudflare, { "x-forwarded-for": "6.6.6.6" }, true, "unknown"],
    [
      "vercel: x-vercel-forwarded-for",
      vercel,
      { "x-vercel-forwarded-for": "2001:db8:1:2:3:4:5:6" },
      false,
      "2001:db8:1:2::/64",
    ],
    ["no headers at all", oneProxy, {}, false, "unknown"],
  ])("%s", (_label, source, headers, stamped, expected) => {
    expect(clientAddress(new Headers(headers), source, stamped)).toBe(expected);
  });

  it("keys are bounded and only ever IPs", () => {
    expect(addressKey("x".repeat(10_000))).toBeNull();
    expect(addressKey("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toBe("2001:db8:85a3:0::/64");
    expect(addressKey("2001:db8::ffff:1.2.3.4")).toBe("2001:db8:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("999.1.1.1")).toBeNull();
  });

  it("the peer-address preload stamps the real TCP peer over a forged header", async () => {
    await import("../../scripts/peer-address.mjs");
    const server = http.createServer((req, res) => {
      const headers = new Headers(req.headers as Record<string, string>);
      res.end(clientAddress(headers, direct));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [PEER_ADDRESS_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7" },
      });
      expect(await res.text()).toBe("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describeEachDb("sign-up limits against spoofed addresses", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("50 sign-ups from one client, each with a made-up X-Forwarded-For, are limited to the per-address quota", async () => {
    const results: string[] = [];
    for (let i = 0; i < 50; i++) {
      const headers = fromAddress(kind === "pglite" ? "203.0.113.50" : "203.0.113.51");
      headers.set("x-forwarded-for", `10.${i}.${i}.${i}`);
      headers.set("x-real-ip", `10.${i}.0.1`);
      const outcome = await callerFor(t.db, null, headers)
        .auth.signUp({ email: `spoof-${i}-${kind}@example.test`, password: "correct horse battery staple" })
        .then(
          () => "OK",
          (e: { code?: string }) => e.code ?? "ERR",
        );
      results.push(outcome);
    }
    expect(results.filter((r) => r === "OK")).toHaveLength(10);
    expect(results.slice(10).every((r) => r === "TOO_MANY_REQUESTS")).toBe(true);
    expect(await t.db.user.count({ where: { email: { startsWith: "spoof-" } } })).toBe(10);
  });
});
