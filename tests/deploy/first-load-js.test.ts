/**
 * The chart (recharts) and the Markdown renderer (react-markdown and its remark/micromark stack) are
 * loaded on demand, never in the first load of /billing or /chat (issue #15: page weight). Proved on
 * the build on disk, deterministically: Next's manifests say which chunks a page's HTML loads (the
 * framework's root files plus every entry chunk of each layout and page on its path); none of them may
 * hold the libraries, while some other chunk of the same build must (so the check cannot pass by
 * looking for a string that no longer exists).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { buildHasBenchRoutes, distDir } from "../../scripts/launcher/build.mjs";

const dir = distDir();
const hasBuild = existsSync(path.join(dir, "BUILD_ID"));

/** Strings that only the library's own code contains (class names and option names it checks). */
const LIBRARIES = {
  recharts: ["recharts-wrapper", "recharts-surface"],
  "react-markdown": ["allowDangerousHtml", "micromark"],
} as const;

/** The pages that must not ship them up front (app-paths-manifest entries; the app's pages are in the (app) group). */
const PAGES = ["/(app)/billing/page", "/(app)/chat/page", "/(app)/chat/[id]/page"];
/** Bench builds only: the smallest page under the app's root layout, and one under a root layout with no client code. */
const REFERENCE = "/(app)/bench/reference/page";
const BARE = "/(bare)/bench/bare/page";
/** Issue #15: the root layout's client code may add at most 30 % to what Next.js itself ships. */
const REFERENCE_OVER_BARE_MAX = 1.3;

interface ClientManifest {
  entryJSFiles: Record<string, string[]>;
}

/** The client reference manifest of an app page (a script that assigns globalThis.__RSC_MANIFEST[page]). */
function clientManifest(page: string): ClientManifest {
  const file = path.join(dir, "server", "app", `${page}_client-reference-manifest.js`);
  const sandbox = { globalThis: {} as Record<string, unknown> };
  vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
  const all = sandbox.globalThis.__RSC_MANIFEST as Record<string, ClientManifest>;
  return all[page]!;
}

/** Every script the page's HTML loads before anything is imported on demand, as paths under the build. */
function firstLoadChunks(page: string): string[] {
  const build = JSON.parse(readFileSync(path.join(dir, "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
    polyfillFiles: string[];
  };
  // Every page's manifest also lists global-not-found (the 404 for a URL that matches no route, which renders the
  // app's document): its chunks are on no other page's HTML unless that page's own layout has them (bench case 6
  // weighs the served HTML and agrees).
  const entries = Object.entries(clientManifest(page).entryJSFiles)
    .filter(([entry]) => !entry.endsWith("/src/app/global-not-found"))
    .map(([, files]) => files);
  return [...new Set([...build.rootMainFiles, ...build.polyfillFiles, ...entries.flat()])];
}

/** What the browser downloads for these chunks, gzipped (level 6, as bench case 6 weighs the served scripts). */
function gzippedBytes(files: string[]): number {
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f))).length, 0);
}

function chunkText(file: string): string {
  return readFileSync(path.join(dir, file), "utf8");
}

function holds(text: string, markers: readonly string[]): boolean {
  return markers.some((m) => text.includes(m));
}

describe("first-load JavaScript of /billing and /chat", () => {
  // `npm test` builds first and then sets TALLY_STATIC_SCAN=1: there a missing build fails instead of skipping.
  it.runIf(hasBuild || process.env.TALLY_STATIC_SCAN === "1")(
    "holds neither recharts nor react-markdown, which the same build has in chunks loaded on demand",
    () => {
      const staticChunks = readdirSync(path.join(dir, "static", "chunks"))
        .filter((f) => f.endsWith(".js"))
        .map((f) => `static/chunks/${f}`);
      for (const [library, markers] of Object.entries(LIBRARIES)) {
        const inBuild = staticChunks.filter((f) => holds(chunkText(f), markers));
        expect(inBuild, `${library} is in some chunk of the build`).not.toEqual([]);
        for (const page of PAGES) {
          const chunks = firstLoadChunks(page);
          expect(chunks.length, `${page} has first-load chunks`).toBeGreaterThan(3);
          const offending = chunks.filter((f) => holds(chunkText(f), markers));
          expect(offending, `${library} in the first load of ${page}`).toEqual([]);
        }
      }
    },
  );

  it.runIf(hasBuild || process.env.TALLY_STATIC_SCAN === "1")(
    "nor zod, which the server validates with and the browser does not need",
    () => {
      // zod's own error codes; the client checks the one thing it stores (the unsent message) by hand.
      for (const page of PAGES) {
        const offending = firstLoadChunks(page).filter((f) =>
          /"invalid_union"[\s\S]*"unrecognized_keys"/.test(chunkText(f)),
        );
        expect(offending, `zod in the first load of ${page}`).toEqual([]);
      }
    },
  );

  // Only a build made for the benchmark (TALLY_BENCH_ROUTES=1, as `npm test` makes it) has the two pages.
  it.runIf(hasBuild && buildHasBenchRoutes(dir) === true)(
    "of the reference page is at most 1.3× a bare page's of the same build (the root layout's client code is small)",
    () => {
      const bare = firstLoadChunks(BARE);
      const reference = firstLoadChunks(REFERENCE);
      // The bare page loads nothing but Next's own scripts; the reference adds the app's root layout.
      expect(
        bare.every((f) => reference.includes(f)),
        "the reference loads every script the bare page does",
      ).toBe(true);
      const ratio = gzippedBytes(reference) / gzippedBytes(bare);
      expect(
        ratio,
        `reference ${gzippedBytes(reference)} B vs bare ${gzippedBytes(bare)} B gzipped`,
      ).toBeLessThanOrEqual(REFERENCE_OVER_BARE_MAX);
      // Loaded on demand, not up front: Radix's dropdown menu (account menu) and dialog (paywall).
      const staticChunks = readdirSync(path.join(dir, "static", "chunks"))
        .filter((f) => f.endsWith(".js"))
        .map((f) => `static/chunks/${f}`);
      for (const marker of ["DropdownMenuContent", "DialogContent"]) {
        expect(
          staticChunks.some((f) => chunkText(f).includes(marker)),
          `${marker} is in some chunk of the build`,
        ).toBe(true);
        const offending = reference.filter((f) => chunkText(f).includes(marker));
        expect(offending, `${marker} in the reference page's first load`).toEqual([]);
      }
    },
  );
});
