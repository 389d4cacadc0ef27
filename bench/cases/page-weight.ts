// Case 6 — first-load JS of the main pages vs a minimal reference page of the same build:
// the <script src> chunks each page's HTML loads, summed gzipped.
import { gzipSync } from "node:zlib";

import type { BenchCase } from "../lib/context";
import { checkPageGated } from "../lib/gate-check";
import { fmt } from "../lib/report";
import { signUpAndSignIn } from "../lib/session";

const PAGES = ["/", "/billing", "/chat"];
const REFERENCE = "/bench/reference";

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
    const weigh = async (path: string): Promise<{ status: number; kb: number; scripts: number }> => {
      const res = await fetch(`${base}${path}`, { headers: { cookie: user.cookie } });
      const html = await res.text();
      let bytes = 0;
      const sources = scriptSources(html);
      for (const src of sources) {
        if (!gzipped.has(src)) {
          const js = await fetch(`${base}${src}`);
          report.check(`${src} is served`, js.ok, String(js.status));
          gzipped.set(src, gzipSync(Buffer.from(await js.arrayBuffer())).length);
        }
        bytes += gzipped.get(src)!;
      }
      return { status: res.status, kb: bytes / 1024, scripts: sources.length };
    };

    await checkPageGated(report);
    const ref = await weigh(REFERENCE);
    report.check(
      "reference page renders with its scripts",
      ref.status === 200 && ref.scripts > 0,
      `status ${ref.status}, ${ref.scripts} scripts`,
    );
    report.row(`${REFERENCE} (reference)`, `${fmt.kb(ref.kb)} gz · ${ref.scripts} scripts`);
    for (const path of PAGES) {
      const page = await weigh(path);
      if (page.status !== 200) {
        report.row(path, `skipped: answered ${page.status} (page not available in this build)`);
        continue;
      }
      report.row(path, `${fmt.kb(page.kb)} gz · ${page.scripts} scripts`, {
        ratio: `${fmt.ratio(page.kb / ref.kb)} of reference (+${fmt.kb(page.kb - ref.kb)})`,
      });
    }
    report.note(
      "signed-in HTML; first-load JS = the /_next/static scripts the HTML loads, gzip level 6 (includes the root layout's client components, shared by the reference)",
    );
  },
};
