import path from "node:path";

import { describe, expect, it } from "vitest";

import { instanceEnv } from "../../scripts/launcher/app.mjs";

describe("the environment every launcher starts an instance with", () => {
  const preload = `--import=${path.resolve("scripts/peer-address.mjs")}`;

  it("holds glibc's malloc to two arenas, sets port and hostname, and appends the peer-address preload", () => {
    const env = instanceEnv(
      { NODE_ENV: "production", PATH: "/bin", NODE_OPTIONS: "--max-old-space-size=512" },
      { port: 4100, hostname: "127.0.0.1", peerAddress: true },
    );
    expect(env).toEqual({
      NODE_ENV: "production",
      PATH: "/bin",
      MALLOC_ARENA_MAX: "2",
      PORT: "4100",
      HOSTNAME: "127.0.0.1",
      NODE_OPTIONS: `--max-old-space-size=512 ${preload}`,
    });
  });

  it("keeps an operator's own MALLOC_ARENA_MAX and NODE_OPTIONS, and adds no preload or hostname when not asked", () => {
    const env = instanceEnv(
      { NODE_ENV: "production", MALLOC_ARENA_MAX: "4", NODE_OPTIONS: "--enable-source-maps" },
      { port: "3000", peerAddress: false },
    );
    expect(env).toEqual({
      NODE_ENV: "production",
      MALLOC_ARENA_MAX: "4",
      NODE_OPTIONS: "--enable-source-maps",
      PORT: "3000",
    });
  });
});
