// Starts one instance of the app, the one way every launcher does: `next dev`, `next start` of the
// production build, or the standalone server (what the container image runs), with the
// peer-address preload so the client's address is the TCP peer's (scripts/peer-address.mjs).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { distDir } from "./build.mjs";

const NEXT_BIN = "node_modules/next/dist/bin/next";

/**
 * @typedef {object} AppOptions
 * @property {"dev" | "start" | "standalone"} server
 * @property {number | string} port
 * @property {NodeJS.ProcessEnv} env the instance's whole environment
 * @property {string} [hostname] e.g. "127.0.0.1"; unset: Next's default (all interfaces)
 * @property {boolean} [peerAddress] load the peer-address preload (default true)
 * @property {import("node:child_process").StdioOptions} [stdio] default: inherit stdout and stderr
 * @property {boolean} [detached] its own process group, so stop() also ends what it forked
 * @property {string[]} [nodeArgs] flags for node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses)
 */

/**
 * @typedef {object} AppInstance
 * @property {string} url http://<hostname or 127.0.0.1>:<port>
 * @property {import("node:child_process").ChildProcess} child
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {(timeoutMs?: number) => Promise<void>} healthy resolves once /api/health answers 2xx; rejects if it exits or times out
 * @property {(killAfterMs?: number) => Promise<void>} stop SIGTERM, then SIGKILL after killAfterMs (default 5 s)
 */

/** The reason an instance cannot start from this build, or null. @param {AppOptions["server"]} server @param {NodeJS.ProcessEnv} env */
export function missingBuild(server, env) {
  const dir = distDir(env);
  if (server === "start" && !existsSync(path.join(dir, "BUILD_ID")))
    return `no production build in ${dir}: run \`npm run build\` first`;
  if (server === "standalone" && !existsSync(path.join(dir, "standalone", "server.js")))
    return `no standalone build at ${dir}/standalone/server.js: run \`npm run build\` first`;
  return null;
}

/**
 * The environment an instance starts with: the caller's, its port and hostname, the peer-address
 * preload, and glibc's malloc held to two arenas unless the caller chose otherwise. With glibc's
 * default (8 per core) the threads that serve compression, crypto and file work each keep their own
 * arena of freed memory: after identical load rounds the server's RSS read 357–588 MB, moving up to
 * 1.45× round over round with its JS heap flat, and ~25% lower and steadier with two (bench case 8;
 * the A/B runs are in bench/README.md).
 * @param {NodeJS.ProcessEnv} env @param {{ port: number | string, hostname?: string, peerAddress: boolean }} options
 * @returns {NodeJS.ProcessEnv}
 */
export function instanceEnv(env, { port, hostname, peerAddress }) {
  /** @type {NodeJS.ProcessEnv} */
  const childEnv = {
    MALLOC_ARENA_MAX: "2",
    ...env,
    PORT: String(port),
    ...(hostname ? { HOSTNAME: hostname } : {}),
  };
  const preload = `--import=${path.resolve("scripts/peer-address.mjs")}`;
  if (peerAddress) childEnv.NODE_OPTIONS = [env.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  return childEnv;
}

/** @param {AppOptions} options @returns {AppInstance} */
export function startApp({
  server,
  port,
  env,
  hostname,
  peerAddress = true,
  stdio = ["ignore", "inherit", "inherit"],
  detached = false,
  nodeArgs = [],
}) {
  const missing = missingBuild(server, env);
  if (missing) throw new Error(missing);
  const childEnv = instanceEnv(env, { port, hostname, peerAddress });
  const hostArgs = hostname ? ["--hostname", hostname] : [];
  const args =
    server === "standalone"
      ? [path.resolve(distDir(env), "standalone", "server.js")]
      : [NEXT_BIN, server, "--port", String(port), ...hostArgs];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { env: childEnv, stdio, detached });
  /** @type {AppInstance["exited"]} */
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://${hostname ?? "127.0.0.1"}:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));

  /** @param {NodeJS.Signals} signal */
  const signalIt = (signal) => {
    try {
      if (detached && child.pid) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };

  return {
    url,
    child,
    exited,
    async healthy(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (gone) throw new Error(`the app on port ${port} exited during startup`);
        try {
          if ((await fetch(`${url}/api/health`)).ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`the app on port ${port} did not become healthy within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop(killAfterMs = 5000) {
      if (gone) return;
      signalIt("SIGTERM");
      const killTimer = setTimeout(() => signalIt("SIGKILL"), killAfterMs);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
