// The one definition of "is the production build current?" and the one way the launchers build it.
// Used by e2e/stack/serve.mjs, the benchmark, the load run and `npm test` (scripts/build-app.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

import { BUILD_SENTINELS } from "../build-sentinels.mjs";

/** Everything a build is made from: a change to any of these (or a file deleted under them) makes it stale. */
export const BUILD_INPUTS = [
  "src",
  "messages",
  "public",
  "prisma/schema.prisma",
  "next.config.mjs",
  "postcss.config.mjs",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
];
/** Written by `prisma generate` from prisma/schema.prisma (an input already) on every install. */
const DERIVED = new Set([path.join("src", "generated")]);

/** The build folder `next build` and `next start` use (next.config.mjs reads the same variable). */
export function distDir(env = process.env) {
  return env.NEXT_DIST_DIR || ".next";
}

/** @param {string} p @returns {number} newest mtime of p and everything under it (folders count: a deletion changes theirs). */
function newestMtime(p) {
  if (!existsSync(p) || DERIVED.has(path.normalize(p))) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/**
 * The URL path of an app-paths-manifest entry: route groups such as `(app)` are no part of it.
 * @param {string} entry e.g. "/(app)/bench/reference/page" @returns {string} e.g. "/bench/reference/page"
 */
export function routeOfEntry(entry) {
  return entry.replace(/\/\([^/)]+\)(?=\/)/g, "") || "/";
}

/**
 * Whether the build in `dir` holds the benchmark's reference routes (built with TALLY_BENCH_ROUTES=1);
 * null when there is no build.
 * @param {string} dir @returns {boolean | null}
 */
export function buildHasBenchRoutes(dir) {
  const manifest = path.join(dir, "server", "app-paths-manifest.json");
  if (!existsSync(manifest)) return null;
  return Object.keys(JSON.parse(readFileSync(manifest, "utf8")))
    .map(routeOfEntry)
    .some((route) => route.startsWith("/api/bench/") || route.startsWith("/bench/"));
}

/**
 * @typedef {object} BuildWish
 * @property {string} [dir] the build folder (default: NEXT_DIST_DIR or .next)
 * @property {boolean} [benchRoutes] true: the build must hold the benchmark routes; false: it must not; unset: either
 * @property {boolean} [reuse] trust any existing build of the right kind, however old
 */

/**
 * Why the build must be made again, or null when it is current.
 * @param {BuildWish} wish @returns {string | null}
 */
export function staleReason({ dir = distDir(), benchRoutes, reuse = false } = {}) {
  const buildId = path.join(dir, "BUILD_ID");
  if (!existsSync(buildId)) return `no build in ${dir}`;
  const hasBench = buildHasBenchRoutes(dir);
  if (benchRoutes !== undefined && hasBench !== benchRoutes)
    return benchRoutes ? "the build has no benchmark routes" : "the build has benchmark routes";
  if (reuse) return null;
  const builtAt = statSync(buildId).mtimeMs;
  const changed = BUILD_INPUTS.find((input) => newestMtime(input) > builtAt);
  return changed ? `${changed} changed since the build` : null;
}

/**
 * The environment every test, e2e and benchmark build is made in: production mode, with fake secrets
 * (tests/security/static-bundle-secrets.test.ts looks for them in the browser bundle), and the
 * benchmark's reference routes compiled in only when asked (next.config.mjs).
 * @param {{ dir?: string, benchRoutes?: boolean }} [options] @returns {NodeJS.ProcessEnv}
 */
export function buildEnv({ dir = distDir(), benchRoutes = false } = {}) {
  return {
    ...process.env,
    ...BUILD_SENTINELS,
    NODE_ENV: "production",
    TALLY_BUILD_SENTINELS: "1",
    TALLY_BENCH_ROUTES: benchRoutes ? "1" : "0",
    NEXT_DIST_DIR: dir,
    NEXT_TELEMETRY_DISABLED: "1",
  };
}

/**
 * Runs `next build` in buildEnv().
 * @param {{ dir?: string, benchRoutes?: boolean, tag?: string }} [options] @returns {boolean} whether it succeeded
 */
export function buildApp({ dir = distDir(), benchRoutes = false, tag = "tally" } = {}) {
  console.log(`[${tag}] building the app into ${dir}${benchRoutes ? " (with the benchmark routes)" : ""}…`);
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: buildEnv({ dir, benchRoutes }),
  });
  return r.status === 0;
}

/**
 * Builds unless the existing build is current and of the wished kind; says which.
 * @param {BuildWish & { tag?: string }} wish @returns {string}
 */
export function ensureBuild(wish = {}) {
  const reason = staleReason(wish);
  if (reason === null)
    return `reused ${wish.dir ?? distDir()}${wish.reuse ? " (reuse asked for)" : " (newer than its sources)"}`;
  console.log(`[${wish.tag ?? "tally"}] ${reason}`);
  if (!buildApp({ dir: wish.dir, benchRoutes: wish.benchRoutes ?? false, tag: wish.tag }))
    throw new Error("next build failed");
  return "built now";
}
