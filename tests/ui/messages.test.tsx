import { readFileSync } from "node:fs";
import path from "node:path";

import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";

import { LOCALES } from "~/i18n/locales";

type Tree = { [key: string]: string | Tree };

function load(locale: string): Tree {
  return JSON.parse(readFileSync(path.join(process.cwd(), "messages", `${locale}.json`), "utf8")) as Tree;
}

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** Every ICU argument with its kind, e.g. "count:plural", "email:argument". */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.argument) found.add(`${el.value}:argument`);
      if (el.type === TYPE.number) found.add(`${el.value}:number`);
      if (el.type === TYPE.date) found.add(`${el.value}:date`);
      if (el.type === TYPE.time) found.add(`${el.value}:time`);
      if (el.type === TYPE.plural) {
        found.add(`${el.value}:plural`);
        for (const option of Object.values(el.options)) walk(option.value);
      }
      if (el.type === TYPE.select) {
        found.add(`${el.value}:select`);
        for (const option of Object.values(el.options)) walk(option.value);
      }
      if (el.type === TYPE.tag) {
        found.add(`<${el.value}>`);
        walk(el.children);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

// Strings that are rightly the same in every language: the brand name, and a counter made only of placeholders.
const SAME_EVERYWHERE = new Set(["common.appName", "chat.charCount"]);

const en = flatten(load("en"));

describe("message files", () => {
  it("cover all 8 locales", () => {
    expect(LOCALES).toEqual(["en", "es", "fr", "de", "pt-BR", "ja", "ko", "zh-CN"]);
  });

  it("hold the strings the spec names, in English", () => {
    expect(en.get("paywall.title")).toBe("Insufficient Credits");
    expect(en.get("paywall.prompt")).toBe("You've run out of credits. Purchase more to continue chatting.");
    expect(en.get("billing.success")).toBe("Purchase successful! Credits have been added to your account.");
    expect(en.get("billing.canceled")).toBe("Purchase was canceled.");
    expect(en.get("billing.error")).toBe("An error occurred. Please try again.");
    expect(en.get("header.testMode")).toBe("Test mode (local)");
  });

  it("parse as ICU messages", () => {
    for (const locale of LOCALES) {
      for (const [key, message] of flatten(load(locale))) {
        expect(() => parse(message), `${locale}: ${key}`).not.toThrow();
      }
    }
  });

  describe.each(LOCALES.filter((l) => l !== "en"))("%s", (locale) => {
    const messages = flatten(load(locale));

    it("has exactly the keys of en", () => {
      expect([...messages.keys()].sort()).toEqual([...en.keys()].sort());
    });

    it("uses the same ICU placeholders per key", () => {
      const mismatches = [...en].filter(([key, message]) => {
        const other = messages.get(key);
        return other !== undefined && placeholders(other).join() !== placeholders(message).join();
      });
      expect(mismatches.map(([key]) => key)).toEqual([]);
    });

    it("is really translated (no English left except brand names)", () => {
      const untranslated = [...en].filter(
        ([key, message]) => !SAME_EVERYWHERE.has(key) && messages.get(key) === message,
      );
      expect(untranslated.map(([key]) => key)).toEqual([]);
    });

    it("has no empty strings", () => {
      expect([...messages].filter(([, m]) => m.trim() === "").map(([k]) => k)).toEqual([]);
    });
  });
});
