// Case 6 — first-load JS of the main pages vs a minimal reference page of the same build:
// the <script src> chunks each page's HTML loads, summed gzipped. The reference page itself is
// compared with a bare page of the same build (/bench/bare: a root layout with no client code).
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { distDir } from "../../scripts/launcher/build.mjs";
import type { BenchCase } from "../lib/context";
import { checkPageGated } from "../lib/gate-check";
import { atMost, fmt } from "../lib/report";
import { signUpAndSignIn } from "../lib/session";

const PAGES = ["/", "/billing", "/chat"];
const REFERENCE = "/bench/reference";
const BARE = "/bench/bare";
/** Loaded on demand only (next/dynamic): never in these pages' first load (also tests/deploy/first-load-js.test.ts). */
const ON_DEMAND: Record<string, { pages: string[]; markers: string[] }> = {
  recharts: { pages: ["/billing"], markers: ["recharts-wrapper", "recharts-surface"] },
  "react-markdown": { pages: ["/chat"], markers: ["allowDangerousHtml", "micromark"] },
};
const PAGE_TARGET = 1.15;
const REFERENCE_TARGET = 1.3;

/** The scripts Next.js itself puts on every app page (build-manifest.json), as /_next/ URLs. */
function frameworkScripts(): Set<string> {
  const manifest = JSON.parse(readFileSync(path.join(distDir(), "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
    polyfillFiles: string[];
  };
  return new Set([...manifest.rootMainFiles, ...manifest.polyfillFiles].map((f) => `/_next/${f}`));
}

export function scriptSources(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) {
    const src = match[1]!.replace(/&amp;/g, "&");
    if (src.startsWith("/_next/static/")) found.add(src);
  }
  return [...found];
}

export const pageWeight: BenchCase = {
  id: "6",
  title: "Page weight",
  async run(ctx, report) {
    const base = ctx.server.baseUrl;
    const user = await signUpAndSignIn(base, "pages");
    const gzipped = new Map<string, number>();
    const holds = new Map<string, Set<string>>();
    const framework = frameworkScripts();
    const weigh = async (
      page: string,
    ): Promise<{ status: number; kb: number; scripts: number; frameworkKb: number; libraries: Set<string> }> => {
      const res = await fetch(`${base}${page}`, { headers: { cookie: user.cookie } });
      const html = await res.text();
      let bytes = 0;
      let frameworkBytes = 0;
      const libraries = new Set<string>();
      const sources = scriptSources(html);
      for (const src of sources) {
        if (!gzipped.has(src)) {
          const js = await fetch(`${base}${src}`);
          report.check(`${src} is served`, js.ok, String(js.status));
          const body = Buffer.from(await js.arrayBuffer());
          gzipped.set(src, gzipSync(body).length);
          const text = body.toString("utf8");
          const found = Object.keys(ON_DEMAND).filter((lib) => ON_DEMAND[lib]!.markers.some((m) => text.includes(m)));
          holds.set(src, new Set(found));
        }
        bytes += gzipped.get(src)!;
        if (framework.has(src)) frameworkBytes += gzipped.get(src)!;
        for (const lib of holds.get(src)!) libraries.add(lib);
      }
      return {
        status: res.status,
        kb: bytes / 1024,
        scripts: sources.length,
        frameworkKb: frameworkBytes / 1024,
        libraries,
      };
    };

    await checkPageGated(report);
    const bare = await weigh(BARE);
    report.check(
      "bare page renders with Next's own scripts only (build-manifest.json)",
      bare.status === 200 && bare.scripts > 0 && bare.frameworkKb > 0 && bare.frameworkKb <= bare.kb,
      `status ${bare.status}, ${bare.scripts} scripts, ${fmt.kb(bare.frameworkKb)} of ${fmt.kb(bare.kb)} Next's own`,
    );
    const ref = await weigh(REFERENCE);
    report.check(
      "reference page renders with its scripts",
      ref.status === 200 && ref.scripts > 0,
      `status ${ref.status}, ${ref.scripts} scripts`,
    );
    report.check(
      "Next's own scripts (build-manifest.json) are among the reference page's",
      ref.frameworkKb > 0 && ref.frameworkKb < ref.kb,
      `${fmt.kb(ref.frameworkKb)} of ${fmt.kb(ref.kb)}`,
    );
    const layoutRatio = ref.kb / bare.kb;
    const layoutOutcome = atMost(layoutRatio, REFERENCE_TARGET, "the root layout's client code, see notes");
    report.row(
      `${BARE} (bare page: no client code in its root layout)`,
      `${fmt.kb(bare.kb)} gz · ${bare.scripts} scripts`,
      {
        ratio: `Next's own scripts ${fmt.kb(bare.frameworkKb)}`,
      },
    );
    report.row(`${REFERENCE} (reference)`, `${fmt.kb(ref.kb)} gz · ${ref.scripts} scripts`, {
      ratio: `${fmt.ratio(layoutRatio)} of bare (+${fmt.kb(ref.kb - bare.kb)})`,
      target: `≤ ${fmt.ratio(REFERENCE_TARGET)}`,
      result: layoutOutcome.text,
    });
    report.note(
      "the reference page's extra over the bare page is the root layout's client code: the tRPC/react-query client the header's balance needs, next-intl's client and the header; the account menu's dropdown and the paywall's dialog (Radix) load on demand",
    );
    for (const pagePath of PAGES) {
      const page = await weigh(pagePath);
      if (page.status !== 200) {
        report.row(pagePath, `skipped: answered ${page.status} (page not available in this build)`);
        continue;
      }
      for (const [lib, { pages }] of Object.entries(ON_DEMAND)) {
        if (!pages.includes(pagePath)) continue;
        report.check(
          `${pagePath} loads ${lib} only on demand (not in its first-load scripts)`,
          !page.libraries.has(lib),
        );
      }
      const ratio = page.kb / ref.kb;
      const measured = pagePath === "/" ? null : atMost(ratio, PAGE_TARGET);
      report.row(pagePath, `${fmt.kb(page.kb)} gz · ${page.scripts} scripts`, {
        ratio: `${fmt.ratio(ratio)} of reference (+${fmt.kb(page.kb - ref.kb)})`,
        ...(measured ? { target: `≤ ${fmt.ratio(PAGE_TARGET)}`, result: measured.text } : {}),
      });
    }
    report.note(
      "signed-in HTML; first-load JS = the /_next/static scripts the HTML loads, gzip level 6 (includes the root layout's client components, shared by the reference, and the noModule polyfills, which modern browsers skip); the bare page (src/app/(bare)/bench/bare, bench builds only) is a page of the same build under a root layout without client code",
    );
  },
};
