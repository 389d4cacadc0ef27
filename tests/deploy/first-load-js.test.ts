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

import { describe, expect, it } from "vitest";

import { distDir } from "../../scripts/launcher/build.mjs";

const dir = distDir();
const hasBuild = existsSync(path.join(dir, "BUILD_ID"));

/** Strings that only the library's own code contains (class names and option names it checks). */
const LIBRARIES = {
  recharts: ["recharts-wrapper", "recharts-surface"],
  "react-markdown": ["allowDangerousHtml", "micromark"],
} as const;

/** The pages that must not ship them up front (app-paths-manifest entries). */
const PAGES = ["/billing/page", "/chat/page", "/chat/[id]/page"];

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
  const entries = clientManifest(page).entryJSFiles;
  return [...new Set([...build.rootMainFiles, ...build.polyfillFiles, ...Object.values(entries).flat()])];
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
});
