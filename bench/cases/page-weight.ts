// Case 6 — first-load JS of the main pages vs a minimal reference page of the same build:
// the <script src> chunks each page's HTML loads, summed gzipped. The reference page itself is
// compared with Next's own scripts (what a page under a root layout without client code loads).
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
    const layoutRatio = ref.kb / ref.frameworkKb;
    const layoutOutcome = atMost(layoutRatio, REFERENCE_TARGET, "the root layout's client code, see notes");
    report.row("Next's own scripts only (a bare page's floor)", `${fmt.kb(ref.frameworkKb)} gz`);
    report.row(`${REFERENCE} (reference)`, `${fmt.kb(ref.kb)} gz · ${ref.scripts} scripts`, {
      ratio: `${fmt.ratio(layoutRatio)} of the bare floor (+${fmt.kb(ref.kb - ref.frameworkKb)})`,
      target: `≤ ${fmt.ratio(REFERENCE_TARGET)}`,
      result: layoutOutcome.text,
    });
    if (!layoutOutcome.met) {
      report.note(
        "the reference page carries the root layout's client code: the tRPC/react-query client the header's balance needs, next-intl's client, and Radix's dialog (paywall) and dropdown menu (account menu) with its popper, which share most of their primitives (loading the paywall's dialog on demand was tried: it saved nothing, the shared primitives stay for the menu)",
      );
    }
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
      "signed-in HTML; first-load JS = the /_next/static scripts the HTML loads, gzip level 6 (includes the root layout's client components, shared by the reference, and the noModule polyfills, which modern browsers skip); the bare floor is the part of the reference page's scripts that build-manifest.json lists as Next's own (rootMainFiles, polyfillFiles): a page in this build under a root layout without client code would load these (plus global-error's small chunk)",
    );
  },
};
