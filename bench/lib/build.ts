import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

import { BUILD_SENTINELS } from "../../scripts/build-sentinels.mjs";

export const DIST_DIR = ".next";
const BUILD_INPUTS = ["src", "messages", "next.config.mjs", "package.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (p === "src" && entry === "generated") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Reuses `.next` when it is newer than every build input (or --reuse-build); otherwise runs `next build`. */
export function ensureBuild(reuse: boolean): string {
  const buildId = path.join(DIST_DIR, "BUILD_ID");
  if (existsSync(buildId)) {
    if (reuse) return "reused (--reuse-build)";
    const builtAt = statSync(buildId).mtimeMs;
    const changed = BUILD_INPUTS.map(newestMtime).reduce((a, b) => Math.max(a, b), 0);
    if (changed <= builtAt) return "reused (newer than src/)";
  }
  console.log("[bench] building the app (next build)…");
  // Same build environment as `npm test`: the fake secrets only exist so the bundle scan can look for them.
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, ...BUILD_SENTINELS, NODE_ENV: "production", TALLY_BUILD_SENTINELS: "1", NEXT_DIST_DIR: DIST_DIR },
  });
  if (r.status !== 0) throw new Error("next build failed");
  return "built now";
}
