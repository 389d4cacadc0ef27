/**
 * Only the message namespaces client components read travel to the browser (NextIntlClientProvider in
 * src/app/_lib/app-document.tsx gets clientMessages()). A client component that reads a namespace left
 * out would show raw keys, so every namespace a "use client" file reads must be in the list.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { CLIENT_NAMESPACES, clientMessages } from "~/i18n/client-messages";
import { loadMessages } from "~/i18n/messages";

function clientFiles(dir = "src"): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => /^\s*["']use client["']/.test(readFileSync(f, "utf8")));
}

/** The top-level namespaces a client file reads: useTranslations("ns…"), and t("ns.key") under useTranslations(). */
function namespacesRead(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/useTranslations\(\s*["']([\w-]+)/g)) found.add(m[1]!);
  if (/useTranslations\(\s*\)/.test(source)) {
    for (const m of source.matchAll(/\bt(?:\.rich|\.markup|\.has)?\(\s*["']([\w-]+)\./g)) found.add(m[1]!);
  }
  return found;
}

describe("client messages", () => {
  it("hold every namespace a client component reads", () => {
    const files = clientFiles();
    expect(files.length).toBeGreaterThan(20);
    const missing: string[] = [];
    const read = new Set<string>();
    for (const file of files) {
      for (const ns of namespacesRead(readFileSync(file, "utf8"))) {
        read.add(ns);
        if (!(CLIENT_NAMESPACES as readonly string[]).includes(ns)) missing.push(`${file}: ${ns}`);
      }
    }
    expect(missing).toEqual([]);
    // The scan sees both forms (useTranslations("chat"), and t("paywall.needed") under useTranslations()).
    expect([...read]).toEqual(expect.arrayContaining(["chat", "billing", "header", "common", "paywall"]));
  });

  it("leave the server-only namespaces (mail, the 404 page, the demo model, pricing) on the server", async () => {
    const all = await loadMessages("de");
    const sent = clientMessages(all);
    expect(Object.keys(sent).sort()).toEqual([...CLIENT_NAMESPACES].sort());
    for (const ns of ["mail", "notFound", "demoModel", "pricing"]) expect(sent).not.toHaveProperty(ns);
    expect(sent.header).toEqual(all.header);
    expect(JSON.stringify(sent).length).toBeLessThan(JSON.stringify(all).length);
  });
});
