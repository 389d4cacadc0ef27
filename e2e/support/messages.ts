import { readFileSync } from "node:fs";

export const LOCALES = ["en", "es", "fr", "de", "pt-BR", "ja", "ko", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

type Tree = { [key: string]: string | Tree };

const cache = new Map<Locale, Tree>();

/** One string of messages/<locale>.json by dotted key, e.g. "billing.title". */
export function message(locale: Locale, key: string, values: Record<string, string> = {}): string {
  if (!cache.has(locale)) cache.set(locale, JSON.parse(readFileSync(`messages/${locale}.json`, "utf8")) as Tree);
  let node: string | Tree | undefined = cache.get(locale);
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  if (typeof node !== "string") throw new Error(`messages/${locale}.json has no string at ${key}`);
  // Simple `{name}` arguments only; plural/select messages are not compared as whole strings.
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Grouped the way the app formats counts in that locale. */
export const formatNumber = (locale: Locale, n: number) => new Intl.NumberFormat(locale).format(n);
