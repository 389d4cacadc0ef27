import { describe, expect, it } from "vitest";

import { LOCALES, type Locale } from "~/i18n/locales";

import { loadMessages } from "./helpers/render-app";

/** The one word each locale uses for the app's credits, and the synonyms it must not mix in. */
const TERMS: Record<Locale, { term: RegExp; others: RegExp }> = {
  en: { term: /\bcredits?\b/i, others: /\b(points?|coins?|tokens? of credit)\b/i },
  es: { term: /\bcréditos?\b/i, others: /\b(puntos?|fichas?|creditos?|saldo de puntos)\b/i },
  fr: { term: /\bcrédits?\b/i, others: /\b(points?|jetons?|credits?)\b/i },
  de: { term: /\bCredits?\b/, others: /Guthaben|Punkt|Kontingent|Kredit/i },
  "pt-BR": { term: /\bcréditos?\b/i, others: /\b(pontos?|fichas?|creditos?)\b/i },
  ja: { term: /クレジット/, others: /ポイント|点数/ },
  ko: { term: /크레딧/, others: /포인트|점수/ },
  "zh-CN": { term: /积分/, others: /点数|额度|信用点|学分/ },
};

function strings(node: unknown, path = ""): [string, string][] {
  if (typeof node === "string") return [[path, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
}

describe("one word for credits per locale", () => {
  for (const locale of LOCALES) {
    it(`${locale} says credits one way`, async () => {
      // Placeholder names ({credits}, {credits, number}) are code, not wording.
      const all = strings(await loadMessages(locale)).map(([p, s]): [string, string] => [
        p,
        s.replace(/\{\w+\}/g, "").replace(/\{\s*\w+\s*,/g, "{"),
      ]);
      const { term, others } = TERMS[locale];
      expect(all.filter(([, s]) => others.test(s)).map(([p, s]) => `${p}: ${s}`)).toEqual([]);
      // The places that name credits use the term.
      for (const key of [
        "common.credits",
        "common.creditsLabel",
        "chat.charged",
        "paywall.title",
        "billing.title",
        "home.buyCredits",
      ]) {
        expect(all.find(([p]) => p === key)?.[1], `${locale} ${key}`).toMatch(term);
      }
    });
  }
});
