/**
 * The benchmark's reference routes (/api/bench/*, /bench/reference, /bench/bare) stream chat without charging:
 * only a build made for the benchmark (TALLY_BENCH_ROUTES=1 at build time) may contain them.
 * Proved with Next's own app-router file matcher over src/app, the extensions next.config.mjs
 * really gives Next, and the manifest of the build on disk.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { buildEnv, buildHasBenchRoutes, distDir, routeOfEntry } from "../../scripts/launcher/build.mjs";
import { pageExtensions } from "../../src/server/config/route-files.js";

const require = createRequire(import.meta.url);
const { createValidFileMatcher } = require("next/dist/server/lib/find-page-file") as {
  createValidFileMatcher: (extensions: string[], appDir: string) => { isAppRouterPage: (file: string) => boolean };
};

const APP_DIR = path.resolve("src/app");
const BENCH_ROUTES = [
  "/api/bench/balance",
  "/api/bench/chat",
  "/api/bench/constant",
  "/api/bench/memory",
  "/api/bench/session",
  "/bench/bare",
  "/bench/reference",
];
const isBench = (route: string) => route.startsWith("/api/bench/") || route.startsWith("/bench/");

/** The routes (URL paths) Next.js makes of src/app with these page extensions. */
function appRoutes(extensions: string[]): string[] {
  const matcher = createValidFileMatcher(extensions, APP_DIR);
  return readdirSync(APP_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => matcher.isAppRouterPage(file))
    .map((file) => routeOfEntry(`/${path.relative(APP_DIR, file).split(path.sep).join("/")}`))
    .map((entry) => entry.replace(/\/[^/]+$/, "") || "/")
    .sort();
}

/** next.config.mjs's pageExtensions, loaded as `next build` loads it, with TALLY_BENCH_ROUTES as given. */
function configuredExtensions(benchRoutes: boolean): string[] {
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      "const c = (await import('./next.config.mjs')).default; console.log(JSON.stringify(c.pageExtensions))",
    ],
    { encoding: "utf8", env: buildEnv({ benchRoutes }) },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as string[];
}

describe("the benchmark routes", () => {
  it("are no route of a build made without TALLY_BENCH_ROUTES=1 (npm run build), while every other route stays", () => {
    const extensions = configuredExtensions(false);
    expect(extensions).toEqual(pageExtensions({ benchRoutes: false }));
    const routes = appRoutes(extensions);
    expect(routes.filter(isBench)).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining(["/", "/api/health", "/api/stripe/webhook", "/chat", "/billing"]));
  });

  it("are all routes of a build made with TALLY_BENCH_ROUTES=1 (the benchmark's), which adds nothing else", () => {
    const extensions = configuredExtensions(true);
    expect(extensions).toEqual(pageExtensions({ benchRoutes: true }));
    const withBench = appRoutes(extensions);
    expect(withBench.filter(isBench)).toEqual(BENCH_ROUTES);
    expect(withBench.filter((r) => !isBench(r))).toEqual(appRoutes(configuredExtensions(false)));
  });

  const dir = distDir();
  const serverFiles = path.join(dir, "required-server-files.json");
  // `npm test` builds first and then sets TALLY_STATIC_SCAN=1: there a missing build fails instead of skipping.
  it.runIf(existsSync(serverFiles) || process.env.TALLY_STATIC_SCAN === "1")(
    "are in the build on disk exactly when it was made with them",
    () => {
      const config = (JSON.parse(readFileSync(serverFiles, "utf8")) as { config: { pageExtensions: string[] } }).config;
      const madeForBench = config.pageExtensions.includes("bench.ts");
      const manifest = Object.keys(
        JSON.parse(readFileSync(path.join(dir, "server", "app-paths-manifest.json"), "utf8")) as Record<string, string>,
      );
      const benchEntries = manifest
        .map(routeOfEntry)
        .filter(isBench)
        .map((entry) => entry.replace(/\/(route|page)$/, ""))
        .sort();
      expect(benchEntries).toEqual(madeForBench ? BENCH_ROUTES : []);
      expect(buildHasBenchRoutes(dir)).toBe(madeForBench);
    },
  );
});
