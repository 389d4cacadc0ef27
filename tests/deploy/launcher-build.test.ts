/**
 * The one "is the build current?" rule (scripts/launcher/build.mjs) that dev, serve, e2e, load and
 * the benchmark share: a missing build, one of the wrong kind or one older than any source is stale.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { BUILD_INPUTS, routeOfEntry, staleReason } from "../../scripts/launcher/build.mjs";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A build folder as `next build` leaves it: BUILD_ID (made at `builtAt`) and the app routes' manifest. */
function fakeBuild(routes: string[], builtAt = new Date()): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tally-build-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "server"));
  writeFileSync(
    path.join(dir, "server", "app-paths-manifest.json"),
    JSON.stringify(Object.fromEntries(routes.map((r) => [r, `app${r}.js`]))),
  );
  writeFileSync(path.join(dir, "BUILD_ID"), "test");
  utimesSync(path.join(dir, "BUILD_ID"), builtAt, builtAt);
  return dir;
}

const PLAIN = ["/page", "/api/health/route"];
const WITH_BENCH = [...PLAIN, "/api/bench/constant/route", "/bench/reference/page"];
/** As Next writes it for pages in route groups: the app's pages in (app), the bare bench page in (bare). */
const GROUPED_PLAIN = ["/(app)/page", "/(app)/billing/page", "/api/health/route"];
const GROUPED_WITH_BENCH = [...GROUPED_PLAIN, "/(app)/bench/reference/page", "/(bare)/bench/bare/page"];

describe("staleReason", () => {
  it("wants a build where there is none", () => {
    const dir = path.join(tmpdir(), "tally-build-missing");
    expect(staleReason({ dir })).toBe(`no build in ${dir}`);
  });

  it("keeps a build newer than every source, of either kind when none is asked for", () => {
    expect(staleReason({ dir: fakeBuild(PLAIN) })).toBeNull();
    expect(staleReason({ dir: fakeBuild(WITH_BENCH) })).toBeNull();
  });

  it("rebuilds when the benchmark routes are wanted and missing, or present and unwanted, even with reuse", () => {
    expect(staleReason({ dir: fakeBuild(PLAIN), benchRoutes: true, reuse: true })).toBe(
      "the build has no benchmark routes",
    );
    expect(staleReason({ dir: fakeBuild(WITH_BENCH), benchRoutes: false })).toBe("the build has benchmark routes");
    expect(staleReason({ dir: fakeBuild(WITH_BENCH), benchRoutes: true })).toBeNull();
  });

  it("sees the benchmark pages inside route groups too (a group is no part of the URL)", () => {
    expect(routeOfEntry("/(app)/bench/reference/page")).toBe("/bench/reference/page");
    expect(routeOfEntry("/(app)/page")).toBe("/page");
    expect(routeOfEntry("/(app)/chat/[id]/page")).toBe("/chat/[id]/page");
    expect(routeOfEntry("/api/bench/constant/route")).toBe("/api/bench/constant/route");
    expect(staleReason({ dir: fakeBuild(GROUPED_WITH_BENCH), benchRoutes: true })).toBeNull();
    expect(staleReason({ dir: fakeBuild(GROUPED_WITH_BENCH), benchRoutes: false })).toBe(
      "the build has benchmark routes",
    );
    expect(staleReason({ dir: fakeBuild(GROUPED_PLAIN), benchRoutes: true, reuse: true })).toBe(
      "the build has no benchmark routes",
    );
  });

  it("rebuilds a build older than its sources, unless told to reuse it", () => {
    const old = fakeBuild(PLAIN, new Date("2001-01-01T00:00:00Z"));
    expect(staleReason({ dir: old })).toBe(`${BUILD_INPUTS[0]} changed since the build`);
    expect(staleReason({ dir: old, reuse: true })).toBeNull();
  });
});
